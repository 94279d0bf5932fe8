using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using AngleSharp.Html.Parser;
using Keyman.Core.Http;
using Keyman.Core.Ui;

namespace Keyman.Core.Aws;

/// <summary>
/// Friendly account names (IAM account aliases) for the role menu, the way aws_okta_keyman and gimme-aws-creds get
/// them: POST the assertion to AWS's SAML sign-in page (the ACS URL) and read the names it shows. Best effort only:
/// any failure gives no names and the login carries on with account IDs.
/// </summary>
public sealed partial class AccountAliases(HttpMessageHandler handler, IEnvironment environment, ILog log)
{
    /// <summary>Overrides the ACS URL (tests, proxies); plain http only to this machine.</summary>
    public const string AcsUrlVariable = "KEYMAN_SAML_ACS_URL";

    public static readonly Uri DefaultAcsUrl = new("https://signin.aws.amazon.com/saml");

    /// <summary>One attempt: the POST carries the assertion, and the names are only a nicety.</summary>
    public static readonly Http.RetryPolicy RetryPolicy = new()
    {
        Service = "AWS sign-in",
        MaxAttempts = 1,
        AttemptTimeout = TimeSpan.FromSeconds(5),
        MaxResponseBytes = 2 * 1024 * 1024,
    };

    /// <summary>The names are a nicety: never hold the login up for long.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// ID -> name for the accounts of <paramref name="assertion"/>; empty when its roles are all in one account (no
    /// request then; with <paramref name="evenForOneAccount"/>, when it holds a single role, for which AWS's page
    /// sends the browser straight to the console) or when the page can't be had or read.
    /// </summary>
    /// <param name="formAction">The SAML page's form action (AWS's ACS URL for the org's partition).</param>
    /// <param name="evenForOneAccount">Names are wanted for themselves (profile names), not only to tell accounts apart.</param>
    public async Task<IReadOnlyDictionary<string, string>> LookUpAsync(SamlAssertion assertion, Uri? formAction, CancellationToken cancellationToken,
        bool evenForOneAccount = false)
    {
        ArgumentNullException.ThrowIfNull(assertion);
        var empty = new Dictionary<string, string>(StringComparer.Ordinal);
        var worthAsking = evenForOneAccount
            ? assertion.Roles.Count > 1
            : assertion.Roles.Select(r => r.AccountId).Distinct(StringComparer.Ordinal).Count() > 1;
        if (!worthAsking)
        {
            return empty;
        }

        var acs = ResolveAcsUrl(formAction);
        if (acs is null)
        {
            return empty;
        }

        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(Timeout);
            using var http = new HttpClient(handler, disposeHandler: false) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
            using var content = new FormUrlEncodedContent([new("SAMLResponse", assertion.Base64), new("RelayState", string.Empty)]);
            using var response = await http.PostAsync(acs, content, timeout.Token);
            if (!response.IsSuccessStatusCode)
            {
                log.Debug($"Account names: {acs} answered HTTP {(int)response.StatusCode}; showing account IDs");
                return empty;
            }

            var names = Parse(await response.Content.ReadAsStringAsync(timeout.Token));
            log.Debug(names.Count == 0
                ? $"Account names: {acs} showed none; showing account IDs"
                : $"Account names from {acs}: {names.Count}");
            return names;
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException or TimeoutException && !cancellationToken.IsCancellationRequested)
        {
            log.Debug($"Account names: POST to {acs} failed ({e.GetType().Name}: {e.Message}); showing account IDs");
            return empty;
        }
    }

    /// <summary>
    /// ID -> name from AWS's SAML sign-in page: each <c>div.saml-account-name</c> ("Account: my prod account (222222222222)";
    /// the whole name, spaces included), or the newer page's <c>&lt;meta name="data"&gt;</c> base64 JSON with "roles_accounts".
    /// Accounts without an alias ("Account: 222222222222") get no entry.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Parse(string html)
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        // Names are a nicety: a page too large or too deep to parse in bounded time shows account IDs instead.
        if (string.IsNullOrWhiteSpace(html) || !MarkupLimits.HtmlWithinLimits(html))
        {
            return names;
        }

        var document = new HtmlParser().ParseDocument(html);
        foreach (var div in document.QuerySelectorAll("div.saml-account-name"))
        {
            Add(names, null, div.TextContent);
        }

        if (names.Count == 0 && document.QuerySelector("meta[name=data]")?.GetAttribute("content") is { Length: > 0 } data)
        {
            ParseMetaData(names, data);
        }

        return names;
    }

    private Uri? ResolveAcsUrl(Uri? formAction)
    {
        var candidate = formAction ?? DefaultAcsUrl;
        var source = "the SAML form's action";
        if (environment.Get(AcsUrlVariable) is { Length: > 0 } overridden)
        {
            source = AcsUrlVariable;
            if (!Uri.TryCreate(overridden.Trim(), UriKind.Absolute, out var parsed))
            {
                log.Debug($"Account names: {AcsUrlVariable} is not an absolute URL; showing account IDs");
                return null;
            }

            candidate = parsed;
        }

        // The assertion is a bearer credential: https, or plain http to this machine only.
        if (candidate.Scheme == Uri.UriSchemeHttps || (candidate.Scheme == Uri.UriSchemeHttp && Okta.OktaOrg.IsLoopback(candidate)))
        {
            return candidate;
        }

        log.Debug($"Account names: {source} {candidate.Scheme}://{candidate.Authority} is neither https nor loopback http; showing account IDs");
        return null;
    }

    private static void ParseMetaData(Dictionary<string, string> names, string data)
    {
        try
        {
            var json = Encoding.UTF8.GetString(Convert.FromBase64String(data.Trim()));
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("roles_accounts", out var accounts))
            {
                return;
            }

            // Tolerant of the shape: {"ID": "name"}, {"ID": {"accountName": ...}} or a list of {"accountId", "accountName"}.
            if (accounts.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in accounts.EnumerateObject())
                {
                    AddElement(names, property.Name, property.Value);
                }
            }
            else if (accounts.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in accounts.EnumerateArray())
                {
                    AddElement(names, null, item);
                }
            }
        }
        catch (Exception e) when (e is FormatException or JsonException or ArgumentException)
        {
            // Not the JSON we know: no names.
        }
    }

    private static void AddElement(Dictionary<string, string> names, string? key, JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                Add(names, key, value.GetString());
                break;
            case JsonValueKind.Object:
                var id = StringProperty(value, "accountId", "account_id", "id") ?? key;
                var name = StringProperty(value, "accountName", "account_name", "name", "alias");
                Add(names, id, name);
                break;
        }
    }

    private static string? StringProperty(JsonElement element, params string[] candidates)
    {
        foreach (var candidate in candidates)
        {
            if (element.TryGetProperty(candidate, out var value) && value.ValueKind == JsonValueKind.String)
            {
                return value.GetString();
            }
        }

        return null;
    }

    /// <summary>Adds "Account: name (id)" (or a bare name when <paramref name="id"/> is known); ignores anything else.</summary>
    private static void Add(Dictionary<string, string> names, string? id, string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return;
        }

        var collapsed = Whitespace().Replace(text, " ").Trim();
        string name;
        if (AccountLine().Match(collapsed) is { Success: true } match)
        {
            id = match.Groups["id"].Value;
            name = match.Groups["name"].Value.Trim();
        }
        else
        {
            name = collapsed.StartsWith("Account:", StringComparison.OrdinalIgnoreCase) ? collapsed["Account:".Length..].Trim() : collapsed;
        }

        if (id is null || !AccountId().IsMatch(id) || name.Length == 0 || name == id)
        {
            return;
        }

        names.TryAdd(id, name);
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    [GeneratedRegex(@"^(?:Account:\s*)?(?<name>.*?)\s*\((?<id>\d{12})\)$", RegexOptions.CultureInvariant)]
    private static partial Regex AccountLine();

    [GeneratedRegex(@"^\d{12}$", RegexOptions.CultureInvariant)]
    private static partial Regex AccountId();
}
