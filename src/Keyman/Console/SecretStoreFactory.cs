using Keyman.Core;
using Keyman.Core.Secrets;
using Keyman.Core.Ui;

namespace Keyman.Cli.Console;

/// <summary>Opens the secret store KEYMAN_SECRET_STORE names (default: the OS keychain); a bad choice is reported when a secret is needed.</summary>
internal static class SecretStoreFactory
{
    /// <param name="interaction">The command's prompts: a keyring's unlock dialog waits on its wait line.</param>
    public static ISecretStore? Open(IEnvironment env, ILog log, IInteraction interaction)
    {
        try
        {
            return SecretStores.Open(env, log, interaction);
        }
        catch (KeymanException e)
        {
            return new BrokenStore(e);
        }
    }

    /// <summary>Defers the choice's failure to the first use, where the login decides to prompt instead.</summary>
    private sealed class BrokenStore(KeymanException failure) : ISecretStore
    {
        public string Name => "unavailable secret store";

        public Task<string?> GetAsync(string service, string account, CancellationToken cancellationToken = default) => throw Failure();

        public Task SetAsync(string service, string account, string secret, CancellationToken cancellationToken = default) => throw Failure();

        public Task<bool> RemoveAsync(string service, string account, CancellationToken cancellationToken = default) => throw Failure();

        private KeymanException Failure() => new(failure.ExitCode, failure.Message, failure.Hint, failure);
    }
}
