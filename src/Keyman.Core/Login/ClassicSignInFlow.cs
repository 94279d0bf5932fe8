using Keyman.Core.Okta;

namespace Keyman.Core.Login;

/// <summary>Okta Classic's /api/v1/authn: password, MFA, then a session from the sessionToken.</summary>
internal sealed class ClassicSignInFlow(OktaAuthenticator authenticator) : ISignInFlow
{
    public string Name => "Okta Classic authn";

    public string? CannotRun(SignInRequest request) => null;

    public async Task<SignInResult> SignInAsync(SignInRequest request, CancellationToken cancellationToken) =>
        SignInResult.ToOkta(await authenticator.LoginAsync(request.Username, request.Password, cancellationToken).ConfigureAwait(false));
}
