namespace Keyman.Core;

/// <summary>
/// Every exit code Keyman returns. Codes 1, 3, 4, 5 and 6 keep the meaning they have in aws_okta_keyman;
/// the others split its catch-all 1 so that scripts can tell failures apart. docs/EXIT-CODES.md lists them.
/// </summary>
public static class ExitCodes
{
    public const int Success = 0;
    public const int GeneralError = 1;
    public const int Usage = 2;
    public const int Network = 3;
    public const int AwsProfileNotFound = 4;
    public const int Internal = 5;
    public const int NoAwsApps = 6;

    /// <summary>No usable home folder: HOME (USERPROFILE) and the user database give none, a relative one or a missing one.</summary>
    public const int NoHomeFolder = 9;

    public const int Config = 10;
    public const int AuthenticationFailed = 11;
    public const int AccountLocked = 12;
    public const int PasswordExpired = 13;
    public const int MfaFailed = 14;
    public const int MfaUnavailable = 15;
    public const int OktaSessionExpired = 16;
    public const int RateLimited = 17;
    public const int OktaError = 18;

    /// <summary>The Okta (Identity Engine) policy asks for what only a browser can give: FastPass, device assurance, a security key.</summary>
    public const int BrowserRequired = 19;

    // Credential delivery: exec / -C, console, credential-process.
    public const int ConsoleSignin = 50;
    public const int CredentialProcessBusy = 51;
    public const int CommandNotExecutable = 126;
    public const int CommandNotFound = 127;

    public const int Saml = 20;
    public const int NoMatchingRole = 21;
    public const int StsRefused = 22;
    public const int CredentialsFile = 23;

    /// <summary>--all-profiles wrote some profiles, and STS refused others (or an app the user named gave no roles).</summary>
    public const int SomeProfilesRefused = 24;

    // Bedrock / AWS profile
    public const int AwsProfileInvalid = 30;
    public const int AwsCredentialsMissing = 31;
    public const int AwsCredentialsExpired = 32;
    public const int AssumeRoleRefused = 33;
    public const int BedrockAccessDenied = 34;
    public const int BedrockModelNotEnabled = 35;
    public const int BedrockModelInvalid = 36;
    public const int BedrockThrottled = 37;
    public const int BedrockRequestInvalid = 38;
    public const int BedrockServiceError = 39;

    // Secret store (OS keychain, Secret Service, Credential Manager, encrypted file).
    public const int SecretStoreUnavailable = 40;
    public const int SecretStoreLocked = 41;
    public const int SecretStoreUnreadable = 42;

    public const int Cancelled = 130;

    /// <summary>SIGHUP while a prompt waited (128 + 1).</summary>
    public const int HungUp = 129;

    /// <summary>SIGTERM while a prompt waited (128 + 15).</summary>
    public const int Terminated = 143;
}
