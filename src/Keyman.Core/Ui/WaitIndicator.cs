namespace Keyman.Core.Ui;

/// <summary>What <see cref="IInteraction.Wait"/> returns where nothing is shown.</summary>
public sealed class WaitIndicator : IDisposable
{
    public static readonly IDisposable None = new WaitIndicator();

    private WaitIndicator()
    {
    }

    public void Dispose()
    {
    }
}
