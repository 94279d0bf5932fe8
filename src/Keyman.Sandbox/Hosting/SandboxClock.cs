namespace Keyman.Sandbox.Hosting;

/// <summary>
/// The sandbox's notion of "now": a base clock (real, or a fake one from tests) plus an offset that
/// POST /_sandbox/clock can move forward, so out-of-process tests can expire tokens without waiting.
/// </summary>
public sealed class SandboxClock(TimeProvider baseClock) : TimeProvider
{
    private long offsetTicks;

    /// <summary>The clock without the offset: what real-world clients (signing AWS requests) go by.</summary>
    public TimeProvider Base => baseClock;

    public TimeSpan Offset => TimeSpan.FromTicks(Interlocked.Read(ref offsetTicks));

    public void Advance(TimeSpan by) => Interlocked.Add(ref offsetTicks, by.Ticks);

    public override DateTimeOffset GetUtcNow() => baseClock.GetUtcNow() + Offset;
}
