using Keyman.Core.Config;
using Keyman.Core.Login;

namespace Keyman.Core.Delivery;

/// <summary>
/// <c>keyman exec --server</c> and <c>keyman serve</c>: logs in (without writing the credentials file), then serves
/// the credentials on a <see cref="CredentialServer"/>, renewing them through the Okta session
/// (<see cref="RefreshingCredentials"/>). Disposing stops the server and ends the login.
/// </summary>
public sealed class CredentialEndpoint : IAsyncDisposable
{
    private readonly LoginFlow _flow;

    private CredentialEndpoint(LoginFlow flow, LoginResult first, CredentialServer server)
    {
        _flow = flow;
        First = first;
        Server = server;
    }

    public LoginResult First { get; }

    public CredentialServer Server { get; }

    /// <summary>What the child (or the user's shell) needs: the endpoint's URI and token, and the region.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Variables => CredentialVariables.ForEndpoint(Server, First.Region);

    public static async Task<CredentialEndpoint> StartAsync(KeymanContext context, KeymanConfig config, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var flow = new LoginFlow(context) { WriteCredentialsFile = false };
        try
        {
            var first = await flow.RunAsync(config, cancellationToken).ConfigureAwait(false);
            var server = CredentialServer.Start(new RefreshingCredentials(context, flow, config, first), context.Log);
            context.Log.Info($"Serving the AWS credentials of {first.FinalRoleArn} on 127.0.0.1:{server.Port} (renewed through the Okta session before they expire)");
            return new CredentialEndpoint(flow, first, server);
        }
        catch
        {
            flow.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync().ConfigureAwait(false);
        _flow.Dispose();
    }
}
