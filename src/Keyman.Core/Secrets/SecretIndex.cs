using Keyman.Core.Ui;

namespace Keyman.Core.Secrets;

/// <summary>
/// The names (service and account, never the secret) of what Keyman has kept, in any store: keychains cannot list
/// their items portably, and <c>keyman status</c> and <c>keyman logout --all</c> need to know what is there. Kept as
/// empty <see cref="CacheFileStore"/> entries under the cache folder's index/.
/// </summary>
public sealed class SecretIndex(CacheFileStore names, ILog log)
{
    public static SecretIndex For(IEnvironment environment, ILog log) =>
        new(new CacheFileStore(Path.Combine(CacheFolder.Resolve(environment), "index"), log), log);

    /// <summary>The accounts recorded for <paramref name="service"/>.</summary>
    public IReadOnlyList<string> Accounts(string service) => names.Accounts(service);

    public async Task RecordAsync(string service, string account, CancellationToken cancellationToken)
    {
        try
        {
            if (await names.GetAsync(service, account, cancellationToken).ConfigureAwait(false) is null)
            {
                await names.SetAsync(service, account, string.Empty, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (KeymanException e)
        {
            log.Debug($"Cannot record {service} in the index of kept secrets: {e.Message}");
        }
    }

    public async Task ForgetAsync(string service, string account, CancellationToken cancellationToken)
    {
        try
        {
            await names.RemoveAsync(service, account, cancellationToken).ConfigureAwait(false);
        }
        catch (KeymanException e)
        {
            log.Debug($"Cannot update the index of kept secrets: {e.Message}");
        }
    }
}

/// <summary>A store that records in a <see cref="SecretIndex"/> what it keeps and forgets.</summary>
public sealed class IndexedSecretStore(ISecretStore inner, Func<SecretIndex> index) : ISecretStore
{
    // The index needs the home folder; without one, nothing is recorded (the secret is kept all the same).
    private readonly Lazy<SecretIndex?> _index = new(() =>
    {
        try
        {
            return index();
        }
        catch (KeymanException)
        {
            return null;
        }
    });

    public string Name => inner.Name;

    public override string ToString() => Name;

    public Task<string?> GetAsync(string service, string account, CancellationToken cancellationToken = default) =>
        inner.GetAsync(service, account, cancellationToken);

    public async Task SetAsync(string service, string account, string secret, CancellationToken cancellationToken = default)
    {
        await inner.SetAsync(service, account, secret, cancellationToken).ConfigureAwait(false);
        if (_index.Value is { } names)
        {
            await names.RecordAsync(service, account, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task<bool> RemoveAsync(string service, string account, CancellationToken cancellationToken = default)
    {
        var removed = await inner.RemoveAsync(service, account, cancellationToken).ConfigureAwait(false);
        if (_index.Value is { } names)
        {
            await names.ForgetAsync(service, account, cancellationToken).ConfigureAwait(false);
        }

        return removed;
    }
}
