namespace Keyman.Core.Secrets;

/// <summary>KEYMAN_SECRET_STORE=none: keeps nothing, so every secret is asked for again. For users who refuse caching.</summary>
public sealed class NoSecretStore : ISecretStore
{
    public string Name => "none (secrets are not stored)";

    public Task<string?> GetAsync(string service, string account, CancellationToken cancellationToken = default) => Task.FromResult<string?>(null);

    public Task SetAsync(string service, string account, string secret, CancellationToken cancellationToken = default) => Task.CompletedTask;

    public Task<bool> RemoveAsync(string service, string account, CancellationToken cancellationToken = default) => Task.FromResult(false);

    public override string ToString() => Name;
}
