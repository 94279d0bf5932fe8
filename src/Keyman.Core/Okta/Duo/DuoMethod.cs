namespace Keyman.Core.Okta.Duo;

/// <summary>What Duo's prompt is asked to do; the <c>factor</c> value is the one Duo's login form takes.</summary>
internal enum DuoMethod
{
    Push,
    Call,
    Passcode,
}

internal static class DuoMethods
{
    public static readonly DuoMethod[] All = [DuoMethod.Push, DuoMethod.Call, DuoMethod.Passcode];

    /// <summary>The value of Duo's <c>factor</c> form field.</summary>
    public static string FormValue(this DuoMethod method) => method switch
    {
        DuoMethod.Push => "Duo Push",
        DuoMethod.Call => "Phone Call",
        _ => "Passcode",
    };

    /// <summary>The word in the factor key ("duo push") and in duo_factor.</summary>
    public static string Word(this DuoMethod method) => method switch
    {
        DuoMethod.Push => "push",
        DuoMethod.Call => "call",
        _ => "passcode",
    };

    public static string MenuName(this DuoMethod method) => method switch
    {
        DuoMethod.Push => "Duo Push",
        DuoMethod.Call => "Duo phone call",
        _ => "Duo passcode",
    };

    /// <summary>
    /// duo_factor / -d as in aws_okta_keyman: web (Duo's default: push to the first device), push, call or passcode, as a
    /// preferred-factor key ("duo push"); null when unset.
    /// </summary>
    public static string? PreferredFactor(string? duoFactor)
    {
        var value = duoFactor?.Trim().ToLowerInvariant();
        return value switch
        {
            null or "" => null,
            "web" or "push" => "duo push",
            "call" or "passcode" => "duo " + value,
            _ => throw new KeymanException(ExitCodes.Config, $"duo_factor \"{duoFactor}\" is not one of web, push, call, passcode",
                "Set duo_factor (or -d) to web, push, call or passcode."),
        };
    }
}
