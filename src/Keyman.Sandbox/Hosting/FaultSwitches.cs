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
                default: throw new ArgumentException($"Unknown fault '{name}'. Known: okta429, okta5xx, sts5xx, latencyMs, malformedAppPage.");
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
            };
        }
    }
}
