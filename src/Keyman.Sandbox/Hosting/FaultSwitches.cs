namespace Keyman.Sandbox.Hosting;

/// <summary>
/// Failures switched on at start (--fault) or at run time (POST /_sandbox/faults). Counters say how many
/// of the next requests fail; int.MaxValue means "until switched off".
/// </summary>
public sealed class FaultSwitches
{
    private readonly Lock sync = new();

    public int Okta429 { get; private set; }

    public int Okta5xx { get; private set; }

    public int Sts5xx { get; private set; }

    public int LatencyMs { get; private set; }

    public bool MalformedAppPage { get; private set; }

    /// <summary>Bedrock calls answered 429 ThrottlingException.</summary>
    public int BedrockThrottle { get; private set; }

    /// <summary>Response streams cut short by a modelStreamErrorException frame.</summary>
    public int BedrockStreamError { get; private set; }

    /// <summary>Response streams cut short by a throttlingException frame.</summary>
    public int BedrockStreamThrottle { get; private set; }

    /// <summary>Invocations refused as if model access had not been granted in the account.</summary>
    public int BedrockModelNotEnabled { get; private set; }

    public void Set(string name, int value)
    {
        lock (sync)
        {
            switch (name.ToLowerInvariant())
            {
                case "okta429": Okta429 = value; break;
                case "okta5xx": Okta5xx = value; break;
                case "sts5xx": Sts5xx = value; break;
                case "latencyms": LatencyMs = value; break;
                case "malformedapppage": MalformedAppPage = value != 0; break;
                case "bedrockthrottle": BedrockThrottle = value; break;
                case "bedrockstreamerror": BedrockStreamError = value; break;
                case "bedrockstreamthrottle": BedrockStreamThrottle = value; break;
                case "bedrockmodelnotenabled": BedrockModelNotEnabled = value; break;
                default: throw new ArgumentException(
                    $"Unknown fault '{name}'. Known: okta429, okta5xx, sts5xx, latencyMs, malformedAppPage, "
                    + "bedrockThrottle, bedrockStreamError, bedrockStreamThrottle, bedrockModelNotEnabled.");
            }
        }
    }

    /// <summary>Consumes one failure of the given kind if any is pending.</summary>
    public bool TryConsume(string name)
    {
        lock (sync)
        {
            switch (name)
            {
                case "okta429" when Okta429 > 0:
                    if (Okta429 != int.MaxValue) Okta429--;
                    return true;
                case "okta5xx" when Okta5xx > 0:
                    if (Okta5xx != int.MaxValue) Okta5xx--;
                    return true;
                case "sts5xx" when Sts5xx > 0:
                    if (Sts5xx != int.MaxValue) Sts5xx--;
                    return true;
                case "bedrockThrottle" when BedrockThrottle > 0:
                    if (BedrockThrottle != int.MaxValue) BedrockThrottle--;
                    return true;
                case "bedrockStreamError" when BedrockStreamError > 0:
                    if (BedrockStreamError != int.MaxValue) BedrockStreamError--;
                    return true;
                case "bedrockStreamThrottle" when BedrockStreamThrottle > 0:
                    if (BedrockStreamThrottle != int.MaxValue) BedrockStreamThrottle--;
                    return true;
                case "bedrockModelNotEnabled" when BedrockModelNotEnabled > 0:
                    if (BedrockModelNotEnabled != int.MaxValue) BedrockModelNotEnabled--;
                    return true;
                default:
                    return false;
            }
        }
    }

    public Dictionary<string, object> Snapshot()
    {
        lock (sync)
        {
            return new()
            {
                ["okta429"] = Okta429,
                ["okta5xx"] = Okta5xx,
                ["sts5xx"] = Sts5xx,
                ["latencyMs"] = LatencyMs,
                ["malformedAppPage"] = MalformedAppPage,
                ["bedrockThrottle"] = BedrockThrottle,
                ["bedrockStreamError"] = BedrockStreamError,
                ["bedrockStreamThrottle"] = BedrockStreamThrottle,
                ["bedrockModelNotEnabled"] = BedrockModelNotEnabled,
            };
        }
    }
}
