using System.Security.Cryptography;

namespace Keyman.Sandbox.Hosting;

/// <summary>Random identifiers shaped like the real services' ones.</summary>
internal static class RandomTokens
{
    private const string Alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private const string Base32Chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    private const string Base64Chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    public static string Alphanumeric(int length) => RandomNumberGenerator.GetString(Alnum, length);

    /// <summary>
    /// Okta stateTokens look like "00" + ~40 URL-safe characters. One '-' is always included so clients
    /// must undo the \x2D escaping of the step-up page; kept short so the escaped form stays under 50 chars.
    /// </summary>
    public static string StateToken() => "00" + Alphanumeric(20) + "-" + Alphanumeric(19);

    /// <summary>Okta sessionTokens: "20111" + 37 URL-safe characters.</summary>
    public static string SessionToken() => "20111" + Alphanumeric(20) + "_" + Alphanumeric(16);

    /// <summary>Okta session ids (the sid cookie): "102" + 22 characters.</summary>
    public static string SessionId() => "102" + Alphanumeric(22);

    /// <summary>X-Okta-Request-Id values: 27 URL-safe characters.</summary>
    public static string OktaRequestId() => Alphanumeric(23) + "AAA" + Alphanumeric(1);

    /// <summary>The DT (device token) cookie Okta sets on a client's first sign-in: "DI" + 23 characters.</summary>
    public static string DeviceToken() => "DI" + Alphanumeric(1) + "-" + Alphanumeric(21);

    public static string OktaErrorId() => "oae" + Alphanumeric(22);

    public static string SamlId() => "id" + RandomNumberGenerator.GetString("0123456789", 26);

    /// <summary>Temporary access key ids: "ASIA" + 16 characters of the base32 alphabet (A–Z, 2–7), as STS issues them.</summary>
    public static string AccessKeyId() => "ASIA" + RandomNumberGenerator.GetString(Base32Chars, 16);

    public static string SecretAccessKey() => RandomNumberGenerator.GetString(Base64Chars, 40);

    /// <summary>Real session tokens are long opaque base64 blobs; clients must not cap their length.</summary>
    public static string SessionTokenBlob() => "IQoJb3JpZ2luX2VjE" + RandomNumberGenerator.GetString(Base64Chars, 700) + "==";

    public static string Digits(int length) => RandomNumberGenerator.GetString("0123456789", length);
}
