using System.Security.Cryptography;
using System.Text;

namespace Keyman.Sandbox.Duo;

/// <summary>
/// Duo Web v2's signed values, the way duosecurity/duo_python's <c>duo_web.py</c> builds and checks them: the request Okta
/// hands the browser is <c>TX|base64(user|ikey|expire)|hmac-sha1(skey)</c> + <c>:</c> + <c>APP|…|hmac-sha1(akey)</c>;
/// Duo answers <c>AUTH|base64(user|ikey|expire)|hmac-sha1(skey)</c>, and the browser posts <c>AUTH…:APP…</c> back.
/// </summary>
internal static class DuoWebSignature
{
    public static string SignRequest(DuoState duo, string username, DateTimeOffset now) =>
        Sign("TX", duo.SecretKey, username, duo.IntegrationKey, now.AddMinutes(5)) + ":" + Sign("APP", duo.ApplicationKey, username, duo.IntegrationKey, now.AddHours(1));

    public static string SignAuth(DuoState duo, string username, DateTimeOffset now) => Sign("AUTH", duo.SecretKey, username, duo.IntegrationKey, now.AddMinutes(5));

    /// <summary>The user a TX value was signed for, or null when forged or expired.</summary>
    public static string? ReadRequest(DuoState duo, string? tx, DateTimeOffset now) => Read(tx, "TX", duo.SecretKey, duo.IntegrationKey, now);

    /// <summary>The user of a sig_response (AUTH…:APP…) when both halves are genuine, current and name the same user.</summary>
    public static string? ReadResponse(DuoState duo, string? sigResponse, DateTimeOffset now)
    {
        var parts = (sigResponse ?? string.Empty).Split(':');
        if (parts.Length != 2)
        {
            return null;
        }

        var auth = Read(parts[0], "AUTH", duo.SecretKey, duo.IntegrationKey, now);
        var app = Read(parts[1], "APP", duo.ApplicationKey, duo.IntegrationKey, now);
        return auth is not null && auth == app ? auth : null;
    }

    private static string Sign(string prefix, byte[] key, string username, string ikey, DateTimeOffset expires)
    {
        var cookie = $"{prefix}|{Convert.ToBase64String(Encoding.UTF8.GetBytes($"{username}|{ikey}|{expires.ToUnixTimeSeconds()}"))}";
        return $"{cookie}|{Hmac(key, cookie)}";
    }

    private static string? Read(string? value, string prefix, byte[] key, string ikey, DateTimeOffset now)
    {
        var parts = (value ?? string.Empty).Split('|');
        if (parts.Length != 3 || parts[0] != prefix)
        {
            return null;
        }

        var expected = Hmac(key, $"{parts[0]}|{parts[1]}");
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(parts[2])))
        {
            return null;
        }

        string[] fields;
        try
        {
            fields = Encoding.UTF8.GetString(Convert.FromBase64String(parts[1])).Split('|');
        }
        catch (FormatException)
        {
            return null;
        }

        return fields.Length == 3 && fields[1] == ikey && long.TryParse(fields[2], out var expires) && expires > now.ToUnixTimeSeconds() ? fields[0] : null;
    }

    private static string Hmac(byte[] key, string text) => Convert.ToHexStringLower(HMACSHA1.HashData(key, Encoding.UTF8.GetBytes(text)));
}
