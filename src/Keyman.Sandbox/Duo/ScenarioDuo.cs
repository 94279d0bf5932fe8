namespace Keyman.Sandbox.Scenario;

/// <summary>A user's Duo account behind Okta Classic's Duo Universal Prompt factor (claims_provider / CUSTOM).</summary>
public sealed class ScenarioDuo
{
    /// <summary>The user's Duo devices, in the order Duo lists them (the first is the preferred one).</summary>
    public List<ScenarioDuoDevice> Devices { get; set; } = [];

    /// <summary>Passcodes Duo accepts (each once), as from Duo Mobile or a hardware token.</summary>
    public List<string> Passcodes { get; set; } = [];

    /// <summary>What the user does with a push: approve, deny, timeout.</summary>
    public string Push { get; set; } = "approve";

    /// <summary>The status poll on which the push or call result is reported (earlier polls: pushed, calling, answered).</summary>
    public int AfterPolls { get; set; } = 2;

    /// <summary>Verified Duo Push: the code Duo shows on screen for the user to type into Duo Mobile.</summary>
    public string? VerifiedPushCode { get; set; }

    /// <summary>Duo answers 503 (an outage).</summary>
    public bool Unavailable { get; set; }

    /// <summary>Duo's 2026 single-page prompt (data-authkey, /prompt/{akey}/… JSON) instead of the form-based one.</summary>
    public bool SinglePage { get; set; }

    /// <summary>The user has no Duo enrollment: Duo shows its enrollment page instead of the prompt.</summary>
    public bool NotEnrolled { get; set; }
}

public sealed class ScenarioDuoDevice
{
    /// <summary>Duo's device key (the <c>device</c> form value), e.g. phone1.</summary>
    public string Key { get; set; } = "phone1";

    /// <summary>What Duo shows: "iOS (+X XXX-XXX-1234)".</summary>
    public string Name { get; set; } = "";

    /// <summary>push, phone, mobile_otp.</summary>
    public List<string> Capabilities { get; set; } = ["push", "phone", "mobile_otp"];
}
