using System.Globalization;
using System.Security.Cryptography;
using System.Security;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml;
using System.Xml.Linq;
using Keyman.Sandbox.Hosting;
using Keyman.Sandbox.Okta;
using Keyman.Sandbox.Scenario;
using Microsoft.AspNetCore.WebUtilities;

namespace Keyman.Sandbox.Sts;

/// <summary>The STS Query API (POST / with Action=...), version 2011-06-15.</summary>
internal static partial class StsEndpoints
{
    private const string Namespace = "https://sts.amazonaws.com/doc/2011-06-15/";

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPost("/", Handle);
        app.MapGet("/", Handle);
    }

    /// <summary>The verifier for requests signed with sandbox-issued credentials (also for the Bedrock endpoints).</summary>
    public static SigV4Verifier Verifier(SandboxState state) => new(akid =>
    {
        lock (state.Sync)
        {
            return state.Credentials.TryGetValue(akid, out var c)
                ? new SigningKey(c.AccessKeyId, c.SecretAccessKey, c.SessionToken, c.Expiration)
                : null;
        }
    }, state.Clock, state.Clock.Base);

    private static async Task<IResult> Handle(HttpContext http, SandboxState state)
    {
        var request = await SigV4Request.FromHttpAsync(http.Request);
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, v) in QueryHelpers.ParseQuery(request.RawQuery))
        {
            parameters[k] = v.ToString();
        }

        if (http.Request.ContentType?.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase) == true)
        {
            foreach (var (k, v) in QueryHelpers.ParseQuery(Encoding.UTF8.GetString(request.Body)))
            {
                parameters[k] = v.ToString();
            }
        }

        var action = parameters.GetValueOrDefault("Action");
        http.Items[RequestLogMiddleware.ActionItem] = action;
        if (action is null)
        {
            // Without an Action this isn't an STS call; the root is otherwise unused.
            return Error(400, "Sender", "MissingAction", "Missing Action");
        }

        if (state.Faults.TryConsume("sts5xx"))
        {
            return Error(500, "Receiver", "InternalFailure",
                "The request processing has failed because of an unknown error, exception or failure.");
        }

        return action switch
        {
            "AssumeRoleWithSAML" => AssumeRoleWithSaml(state, parameters),
            "AssumeRole" => Signed(state, request, caller => AssumeRole(state, caller, parameters)),
            "GetCallerIdentity" => Signed(state, request, caller => GetCallerIdentity(caller)),
            _ => Error(400, "Sender", "InvalidAction", $"Could not find operation {action} for version {parameters.GetValueOrDefault("Version") ?? "NO_VERSION_SPECIFIED"}"),
        };
    }

    private static IResult Signed(SandboxState state, SigV4Request request, Func<IssuedCredentials, IResult> action)
    {
        var result = Verifier(state).Verify(request, "sts");
        if (!result.IsValid)
        {
            return result.Failure switch
            {
                SigV4Failure.MissingAuthenticationToken => Error(403, "Sender", "MissingAuthenticationToken", result.Message),
                SigV4Failure.IncompleteSignature => Error(400, "Sender", "IncompleteSignature", result.Message),
                SigV4Failure.InvalidClientTokenId => Error(403, "Sender", "InvalidClientTokenId", result.Message),
                SigV4Failure.ExpiredToken => Error(403, "Sender", "ExpiredToken", result.Message),
                _ => Error(403, "Sender", "SignatureDoesNotMatch", result.Message),
            };
        }

        IssuedCredentials caller;
        lock (state.Sync)
        {
            caller = state.Credentials[result.Key!.AccessKeyId];
        }

        return action(caller);
    }

    private static IResult AssumeRoleWithSaml(SandboxState state, Dictionary<string, string> parameters)
    {
        if (Missing(parameters, "RoleArn", "PrincipalArn", "SAMLAssertion") is { } missing)
        {
            return missing;
        }

        var (roleArn, principalArn, samlAssertion) = (parameters["RoleArn"], parameters["PrincipalArn"], parameters["SAMLAssertion"]);
        byte[] xml;
        try
        {
            xml = Convert.FromBase64String(samlAssertion.Trim());
            XDocument.Parse(Encoding.UTF8.GetString(xml));
        }
        catch (Exception e) when (e is FormatException or XmlException)
        {
            return Error(400, "Sender", "InvalidIdentityToken", "Invalid base64 SAMLResponse");
        }

        lock (state.Sync)
        {
            if (!state.Assertions.TryGetValue(SamlResponseBuilder.Fingerprint(xml), out var assertion))
            {
                // Not issued by this IdP (or altered after issuance): the signature would not verify.
                return Error(400, "Sender", "InvalidIdentityToken", "Response signature invalid");
            }

            // Real STS has two clocks for an assertion: five minutes from its issue (gimme-aws-creds #251), and its own
            // NotOnOrAfter when the IdP set a shorter one (saml2aws #759: "Response has expired").
            if (state.Now > assertion.IssuedAt.AddMinutes(5))
            {
                return Error(400, "Sender", "ExpiredTokenException", "Token must be redeemed within 5 minutes of issuance");
            }

            if (state.Now > assertion.IssuedAt.AddSeconds(state.Settings.AssertionLifetimeSeconds))
            {
                return Error(400, "Sender", "ExpiredTokenException", "Response has expired");
            }

            // The pair must be in the assertion, and the role's trust policy must let the SAML provider in.
            if (!assertion.Roles.Any(r => r.RoleArn == roleArn && r.PrincipalArn == principalArn)
                || state.Scenario.FindRole(roleArn) is { TrustsSaml: false })
            {
                return Error(403, "Sender", "AccessDenied", "Not authorized to perform sts:AssumeRoleWithSAML");
            }

            // No one-time use: within those clocks STS takes the same assertion again, for another role or the same one,
            // and concurrently (okta-aws-cli --all-profiles, gimme-aws-creds, saml2aws --cache-saml; see the README).
            if (ParseDuration(parameters, out var duration) is { } invalid)
            {
                return invalid;
            }

            var maxSession = state.Scenario.FindRole(roleArn)?.MaxSessionDuration ?? 3600;
            if (duration > maxSession)
            {
                return Error(400, "Sender", "ValidationError", "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.");
            }

            // The SessionDuration attribute only shortens the session, it never fails the call.
            if (assertion.SessionDuration is { } attribute && attribute < duration)
            {
                duration = attribute;
            }

            var credentials = Issue(state, roleArn, assertion.RoleSessionName, duration, chained: false);
            var account = roleArn.Split(':')[4];
            var providerName = principalArn[(principalArn.LastIndexOf('/') + 1)..];
            var nameQualifier = Convert.ToBase64String(SHA1.HashData(Encoding.UTF8.GetBytes(assertion.Issuer + account + "/" + providerName)));
            return Xml("AssumeRoleWithSAML",
                $"<Audience>{Escape(assertion.Recipient)}</Audience>"
                + AssumedRoleUser(credentials)
                + CredentialsXml(credentials)
                + $"<Subject>{Escape(assertion.Login)}</Subject>"
                + "<SubjectType>unspecified</SubjectType>"
                + $"<Issuer>{Escape(assertion.Issuer)}</Issuer>"
                + $"<NameQualifier>{nameQualifier}</NameQualifier>");
        }
    }

    private static IResult AssumeRole(SandboxState state, IssuedCredentials caller, Dictionary<string, string> parameters)
    {
        if (Missing(parameters, "RoleArn", "RoleSessionName") is { } missing)
        {
            return missing;
        }

        var (roleArn, sessionName) = (parameters["RoleArn"], parameters["RoleSessionName"]);
        if (!SessionNamePattern().IsMatch(sessionName))
        {
            return Error(400, "Sender", "ValidationError",
                $"1 validation error detected: Value '{sessionName}' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*");
        }

        if (ParseDuration(parameters, out var duration) is { } invalid)
        {
            return invalid;
        }

        lock (state.Sync)
        {
            var source = state.Scenario.FindRole(caller.RoleArn);
            var target = state.Scenario.FindRole(roleArn);
            if (source is null || target is null || !source.CanAssume.Contains(roleArn))
            {
                return Error(403, "Sender", "AccessDenied",
                    $"User: {caller.AssumedRoleArn} is not authorized to perform: sts:AssumeRole on resource: {roleArn}");
            }

            // Credentials from an assumed role make this role chaining, which AWS caps at one hour.
            if (duration > 3600)
            {
                return Error(400, "Sender", "ValidationError",
                    "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.");
            }

            if (duration > target.MaxSessionDuration)
            {
                return Error(400, "Sender", "ValidationError", "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.");
            }

            var credentials = Issue(state, roleArn, sessionName, duration, chained: true);
            return Xml("AssumeRole", CredentialsXml(credentials) + AssumedRoleUser(credentials));
        }
    }

    private static IResult GetCallerIdentity(IssuedCredentials caller) =>
        Xml("GetCallerIdentity",
            $"<Arn>{Escape(caller.AssumedRoleArn)}</Arn>"
            + $"<UserId>{RoleId(caller.RoleArn)}:{Escape(caller.RoleSessionName)}</UserId>"
            + $"<Account>{caller.Account}</Account>");

    private static IssuedCredentials Issue(SandboxState state, string roleArn, string sessionName, int duration, bool chained)
    {
        // DurationSeconds is checked unscaled (the wire stays honest); only the real lifetime shrinks with the time scale,
        // and Expiration tells the client when the credentials really stop working.
        var now = state.Now;
        var credentials = new IssuedCredentials(
            RandomTokens.AccessKeyId(), RandomTokens.SecretAccessKey(), RandomTokens.SessionTokenBlob(),
            TruncateToSeconds(now + state.ScaledLifetime(duration)), roleArn, sessionName, chained) { IssuedAt = now };
        state.Credentials[credentials.AccessKeyId] = credentials;
        return credentials;
    }

    private static IResult? ParseDuration(Dictionary<string, string> parameters, out int duration)
    {
        duration = 3600;
        if (!parameters.TryGetValue("DurationSeconds", out var raw))
        {
            return null;
        }

        if (!int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out duration))
        {
            return Error(400, "Sender", "MalformedInput", $"Invalid value for parameter DurationSeconds: {raw}");
        }

        if (duration < 900)
        {
            return Error(400, "Sender", "ValidationError",
                $"1 validation error detected: Value '{duration}' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900");
        }

        if (duration > 43200)
        {
            return Error(400, "Sender", "ValidationError",
                $"1 validation error detected: Value '{duration}' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 43200");
        }

        return null;
    }

    private static IResult? Missing(Dictionary<string, string> parameters, params string[] names)
    {
        foreach (var name in names)
        {
            if (!parameters.TryGetValue(name, out var value) || value.Length == 0)
            {
                var member = char.ToLowerInvariant(name[0]) + name[1..];
                return Error(400, "Sender", "ValidationError",
                    $"1 validation error detected: Value null at '{member}' failed to satisfy constraint: Member must not be null");
            }
        }

        return null;
    }

    private static string AssumedRoleUser(IssuedCredentials c) =>
        $"<AssumedRoleUser><AssumedRoleId>{RoleId(c.RoleArn)}:{Escape(c.RoleSessionName)}</AssumedRoleId><Arn>{Escape(c.AssumedRoleArn)}</Arn></AssumedRoleUser>";

    private static string CredentialsXml(IssuedCredentials c) =>
        "<Credentials>"
        + $"<AccessKeyId>{c.AccessKeyId}</AccessKeyId>"
        + $"<SecretAccessKey>{c.SecretAccessKey}</SecretAccessKey>"
        + $"<SessionToken>{c.SessionToken}</SessionToken>"
        + $"<Expiration>{c.Expiration.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)}</Expiration>"
        + "</Credentials>";

    /// <summary>Role ids are stable per role: "AROA" + 17 characters derived from the ARN.</summary>
    internal static string RoleId(string roleArn)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(roleArn));
        return "AROA" + new string(hash.Take(17).Select(b => alphabet[b % alphabet.Length]).ToArray());
    }

    private static IResult Xml(string action, string resultXml)
    {
        var requestId = Guid.NewGuid().ToString();
        var xml = $"<{action}Response xmlns=\"{Namespace}\">\n  <{action}Result>\n    {resultXml}\n  </{action}Result>\n"
            + $"  <ResponseMetadata>\n    <RequestId>{requestId}</RequestId>\n  </ResponseMetadata>\n</{action}Response>\n";
        return new StsXmlResult(200, xml, requestId);
    }

    internal static IResult Error(int status, string type, string code, string message)
    {
        var requestId = Guid.NewGuid().ToString();
        var xml = $"<ErrorResponse xmlns=\"{Namespace}\">\n  <Error>\n    <Type>{type}</Type>\n    <Code>{code}</Code>\n"
            + $"    <Message>{Escape(message)}</Message>\n  </Error>\n  <RequestId>{requestId}</RequestId>\n</ErrorResponse>\n";
        return new StsXmlResult(status, xml, requestId);
    }

    private static string Escape(string value) => SecurityElement.Escape(value);

    private static DateTimeOffset TruncateToSeconds(DateTimeOffset t) => new(t.Ticks - (t.Ticks % TimeSpan.TicksPerSecond), t.Offset);

    [GeneratedRegex(@"^[\w+=,.@-]{2,64}$")]
    private static partial Regex SessionNamePattern();

    /// <summary>text/xml with the x-amzn-RequestId header every AWS response carries.</summary>
    private sealed class StsXmlResult(int status, string xml, string requestId) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = status;
            httpContext.Response.Headers["x-amzn-RequestId"] = requestId;
            httpContext.Response.ContentType = "text/xml";
            return httpContext.Response.WriteAsync(xml);
        }
    }
}
