using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Keyman.Sandbox.Sts;

/// <summary>A request as received, in the raw form SigV4 needs (path and query exactly as sent).</summary>
public sealed record SigV4Request(
    string Method,
    string RawPath,
    string RawQuery,
    IReadOnlyDictionary<string, string> Headers,
    byte[] Body)
{
    /// <summary>Captures an ASP.NET Core request; headers with several values are joined with ','.</summary>
    public static async Task<SigV4Request> FromHttpAsync(HttpRequest request)
    {
        request.EnableBuffering();
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer);
        request.Body.Position = 0;

        var rawTarget = request.HttpContext.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()?.RawTarget
            ?? (request.PathBase + request.Path + request.QueryString).ToString();
        var queryStart = rawTarget.IndexOf('?', StringComparison.Ordinal);
        var path = queryStart < 0 ? rawTarget : rawTarget[..queryStart];
        var query = queryStart < 0 ? "" : rawTarget[(queryStart + 1)..];

        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in request.Headers)
        {
            headers[name] = string.Join(',', values.Select(v => v ?? ""));
        }

        return new SigV4Request(request.Method, path, query, headers, buffer.ToArray());
    }
}

/// <summary>A key the verifier may accept, with the session token that must accompany it.</summary>
public sealed record SigningKey(string AccessKeyId, string SecretAccessKey, string? SessionToken, DateTimeOffset? Expiration);

public enum SigV4Failure
{
    None,
    MissingAuthenticationToken,
    IncompleteSignature,
    InvalidClientTokenId,
    ExpiredToken,
    SignatureDoesNotMatch,
}

public sealed record SigV4Result(SigV4Failure Failure, string Message, SigningKey? Key = null, string? Region = null, string? CanonicalRequest = null)
{
    public bool IsValid => Failure == SigV4Failure.None;
}

/// <summary>
/// Verifies AWS Signature Version 4 (Authorization header form) the way AWS services do, for STS now and the
/// Bedrock endpoints later. Keys come from a lookup so the caller decides which credentials exist.
/// Credentials expire by <paramref name="clock"/> (the sandbox's, which tests may move forward); the X-Amz-Date skew
/// check goes by <paramref name="requestClock"/>, the real time clients sign with, so moving the sandbox clock
/// cannot make every real-clock client's signature "expired".
/// </summary>
public sealed partial class SigV4Verifier(Func<string, SigningKey?> lookupKey, TimeProvider clock, TimeProvider? requestClock = null)
{
    private const string Algorithm = "AWS4-HMAC-SHA256";
    private static readonly TimeSpan AllowedSkew = TimeSpan.FromMinutes(5);

    public SigV4Result Verify(SigV4Request request, string service)
    {
        if (!request.Headers.TryGetValue("Authorization", out var authorization) || string.IsNullOrWhiteSpace(authorization))
        {
            return new(SigV4Failure.MissingAuthenticationToken, "Request is missing Authentication Token");
        }

        if (!TryParseAuthorization(authorization, out var credential, out var signedHeaders, out var signature))
        {
            return new(SigV4Failure.IncompleteSignature,
                $"Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters. Authorization={authorization}");
        }

        var scopeParts = credential.Split('/');
        if (scopeParts.Length != 5 || scopeParts[4] != "aws4_request")
        {
            return new(SigV4Failure.IncompleteSignature, $"Credential should be scoped to a valid region. ");
        }

        var (accessKeyId, scopeDate, region, scopeService) = (scopeParts[0], scopeParts[1], scopeParts[2], scopeParts[3]);
        if (!RegionPattern().IsMatch(region))
        {
            return new(SigV4Failure.SignatureDoesNotMatch, $"Credential should be scoped to a valid region, not '{region}'. ");
        }

        var key = lookupKey(accessKeyId);
        if (key is null)
        {
            return new(SigV4Failure.InvalidClientTokenId, "The security token included in the request is invalid.");
        }

        request.Headers.TryGetValue("X-Amz-Security-Token", out var token);
        if (key.SessionToken is not null && token != key.SessionToken)
        {
            return new(SigV4Failure.InvalidClientTokenId, "The security token included in the request is invalid.");
        }

        var now = clock.GetUtcNow();
        if (key.Expiration is { } expiration && expiration <= now)
        {
            return new(SigV4Failure.ExpiredToken, "The security token included in the request is expired");
        }

        if (!request.Headers.TryGetValue("X-Amz-Date", out var amzDate)
            || !DateTimeOffset.TryParseExact(amzDate, "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var signedAt))
        {
            return new(SigV4Failure.IncompleteSignature, "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
        }

        var signingNow = (requestClock ?? clock).GetUtcNow();
        if (signedAt < signingNow - AllowedSkew)
        {
            return new(SigV4Failure.SignatureDoesNotMatch,
                $"Signature expired: {amzDate} is now earlier than {Stamp(signingNow - AllowedSkew)} ({Stamp(signingNow)} - 5 min.)");
        }

        if (signedAt > signingNow + AllowedSkew)
        {
            return new(SigV4Failure.SignatureDoesNotMatch,
                $"Signature not yet current: {amzDate} is still later than {Stamp(signingNow + AllowedSkew)} ({Stamp(signingNow)} + 5 min.)");
        }

        if (scopeDate != amzDate[..8])
        {
            return new(SigV4Failure.SignatureDoesNotMatch,
                $"Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '{scopeDate}' != '{amzDate[..8]}', from '{amzDate}'.");
        }

        if (scopeService != service)
        {
            return new(SigV4Failure.SignatureDoesNotMatch, $"Credential should be scoped to correct service: '{service}'. ");
        }

        var headerNames = signedHeaders.Split(';');
        if (!headerNames.Contains("host"))
        {
            return new(SigV4Failure.SignatureDoesNotMatch, "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
        }

        var canonicalRequest = CanonicalRequest(request, headerNames);
        var expected = Signature(key.SecretAccessKey, amzDate, $"{scopeDate}/{region}/{scopeService}/aws4_request", canonicalRequest);
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(signature.ToLowerInvariant())))
        {
            return new(SigV4Failure.SignatureDoesNotMatch,
                "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
                key, region, canonicalRequest);
        }

        return new(SigV4Failure.None, "", key, region, canonicalRequest);
    }

    public static string CanonicalRequest(SigV4Request request, IReadOnlyList<string> signedHeaders)
    {
        var builder = new StringBuilder();
        builder.Append(request.Method.ToUpperInvariant()).Append('\n');
        builder.Append(CanonicalUri(request.RawPath)).Append('\n');
        builder.Append(CanonicalQuery(request.RawQuery)).Append('\n');
        foreach (var name in signedHeaders)
        {
            request.Headers.TryGetValue(name, out var value);
            builder.Append(name).Append(':').Append(CanonicalHeaderValue(value ?? "")).Append('\n');
        }

        builder.Append('\n').Append(string.Join(';', signedHeaders)).Append('\n');
        builder.Append(request.Headers.TryGetValue("X-Amz-Content-SHA256", out var declared) && !string.IsNullOrEmpty(declared)
            ? declared
            : Hex(SHA256.HashData(request.Body)));
        return builder.ToString();
    }

    public static string Signature(string secretAccessKey, string amzDate, string scope, string canonicalRequest)
    {
        var stringToSign = $"{Algorithm}\n{amzDate}\n{scope}\n{Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest)))}";
        var key = Encoding.UTF8.GetBytes("AWS4" + secretAccessKey);
        foreach (var part in scope.Split('/'))
        {
            key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(part));
        }

        return Hex(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(stringToSign)));
    }

    /// <summary>
    /// Non-S3 rule: dot segments removed, then the path as sent (already percent-encoded) is encoded again,
    /// so "%3A" becomes "%253A".
    /// </summary>
    public static string CanonicalUri(string rawPath)
    {
        var normalized = RemoveDotSegments(string.IsNullOrEmpty(rawPath) ? "/" : rawPath);
        return UriEncode(normalized, encodeSlash: false);
    }

    public static string CanonicalQuery(string rawQuery)
    {
        if (string.IsNullOrEmpty(rawQuery))
        {
            return "";
        }

        var pairs = rawQuery.Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p =>
            {
                var eq = p.IndexOf('=', StringComparison.Ordinal);
                var name = eq < 0 ? p : p[..eq];
                var value = eq < 0 ? "" : p[(eq + 1)..];
                return (Name: UriEncode(Uri.UnescapeDataString(name), true), Value: UriEncode(Uri.UnescapeDataString(value), true));
            })
            .Where(p => p.Name != "X-Amz-Signature")
            .OrderBy(p => p.Name, StringComparer.Ordinal)
            .ThenBy(p => p.Value, StringComparer.Ordinal);
        return string.Join('&', pairs.Select(p => $"{p.Name}={p.Value}"));
    }

    private static string CanonicalHeaderValue(string value)
    {
        var builder = new StringBuilder();
        var lastWasSpace = false;
        foreach (var c in value.Trim())
        {
            var isSpace = char.IsWhiteSpace(c);
            if (isSpace && lastWasSpace)
            {
                continue;
            }

            builder.Append(isSpace ? ' ' : c);
            lastWasSpace = isSpace;
        }

        return builder.ToString();
    }

    private static string RemoveDotSegments(string path)
    {
        var output = new List<string>();
        var segments = path.Split('/');
        for (var i = 1; i < segments.Length; i++)
        {
            var segment = segments[i];
            if (segment == ".")
            {
                if (i == segments.Length - 1) output.Add("");
                continue;
            }

            if (segment == "..")
            {
                if (output.Count > 0) output.RemoveAt(output.Count - 1);
                if (i == segments.Length - 1) output.Add("");
                continue;
            }

            output.Add(segment);
        }

        return "/" + string.Join('/', output);
    }

    /// <summary>RFC 3986 encoding of everything but unreserved characters (and '/' in paths), uppercase hex.</summary>
    private static string UriEncode(string value, bool encodeSlash)
    {
        var builder = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '~' || (c == '/' && !encodeSlash))
            {
                builder.Append(c);
            }
            else
            {
                builder.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }

    private static bool TryParseAuthorization(string header, out string credential, out string signedHeaders, out string signature)
    {
        credential = signedHeaders = signature = "";
        if (!header.StartsWith(Algorithm + " ", StringComparison.Ordinal))
        {
            return false;
        }

        foreach (var part in header[(Algorithm.Length + 1)..].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq < 0) continue;
            var (name, value) = (part[..eq], part[(eq + 1)..]);
            switch (name)
            {
                case "Credential": credential = value; break;
                case "SignedHeaders": signedHeaders = value; break;
                case "Signature": signature = value; break;
            }
        }

        return credential.Length > 0 && signedHeaders.Length > 0 && signature.Length > 0;
    }

    /// <summary>AWS region names: partition prefix, area, number (us-east-1, eu-central-2, us-gov-west-1, cn-north-1, us-isob-east-1).</summary>
    [System.Text.RegularExpressions.GeneratedRegex(@"^(us|eu|ap|sa|ca|me|af|il|mx|cn|us-gov|us-iso[bef]?|eu-isoe)-(north|south|east|west|central|northeast|northwest|southeast|southwest)-[1-9]$")]
    private static partial System.Text.RegularExpressions.Regex RegionPattern();

    private static string Stamp(DateTimeOffset t) => t.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);
}
