using System.Buffers.Binary;
using System.IO.Hashing;
using System.Net;
using System.Text;
using Keyman.Core;
using Keyman.Core.Aws;
using Keyman.Core.Aws.Profiles;
using Keyman.Core.Aws.Sts;
using Keyman.Core.Bedrock;
using Keyman.Core.Config;
using Keyman.Core.Http;
using Keyman.Core.Okta;
using Keyman.Core.Okta.Device;
using Keyman.Core.Okta.Duo;
using Keyman.Core.Okta.Idx;

namespace Keyman.Fuzz;

/// <summary>
/// One target per parser that reads what another party wrote. Each feeds the input through the public path Keyman
/// uses in production (the Okta and STS clients over an injected handler, the Bedrock stream reader, the file readers),
/// so the contract is the user's: a <see cref="KeymanException"/> is an answer, any other exception is a crash.
/// </summary>
internal static class Targets
{
    private const string OktaOrg = "https://acme.okta.com";

    public static readonly IReadOnlyDictionary<string, Action<byte[]>> All = new SortedDictionary<string, Action<byte[]>>(StringComparer.Ordinal)
    {
        ["okta-json"] = OktaJson,
        ["app-page"] = AppPage,
        ["saml"] = Saml,
        ["sts-xml"] = StsXml,
        ["event-stream"] = EventStream,
        ["config"] = Config,
        ["aws-ini"] = AwsIni,
        ["credentials-file"] = CredentialsFileWrite,
        ["idx-json"] = IdxJson,
        ["signin-page"] = SignInPage,
        ["duo"] = Duo,
        ["device-json"] = DeviceJson,
    };

    /// <summary>
    /// A private folder for the file targets, removed when the process ends: under KEYMAN_FUZZ_SCRATCH (scripts/fuzz.sh puts
    /// it in memory, /dev/shm, since the credentials file is written with fsync on every input, and removes it afterwards,
    /// as afl-fuzz kills its targets), else in the temp folder.
    /// </summary>
    private static readonly Lazy<string> Scratch = new(() =>
    {
        var root = Environment.GetEnvironmentVariable("KEYMAN_FUZZ_SCRATCH");
        var path = string.IsNullOrEmpty(root)
            ? Directory.CreateTempSubdirectory("keyman-fuzz-").FullName
            : Directory.CreateDirectory(Path.Combine(root, $"{Environment.ProcessId}-{Guid.NewGuid():N}")).FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(path, recursive: true);
        return path;
    });

    private static readonly Lazy<SamlAssertion> Assertion = new(() => SamlAssertion.Parse(Convert.ToBase64String(Encoding.UTF8.GetBytes(Seeds.SamlResponse))));

    /// <summary>Keeps the AWS SDK from reading this machine's ~/.aws files or the instance metadata service.</summary>
    public static void IsolateFromMachine()
    {
        var missing = Path.Combine(Path.GetTempPath(), "keyman-fuzz-no-such-file");
        Environment.SetEnvironmentVariable("AWS_CONFIG_FILE", missing);
        Environment.SetEnvironmentVariable("AWS_SHARED_CREDENTIALS_FILE", missing);
        Environment.SetEnvironmentVariable("AWS_EC2_METADATA_DISABLED", "true");
    }

    /// <summary>Every Okta Classic JSON answer Keyman reads: authn transactions through MFA, sessions, app links, error bodies.</summary>
    private static void OktaJson(byte[] input)
    {
        foreach (var status in new[] { HttpStatusCode.OK, HttpStatusCode.Unauthorized })
        {
            using var handler = new FixedResponseHandler(input, status, "application/json");
            using var pipeline = new HttpPipeline(transport: handler);
            using var client = new OktaClient(new Uri(OktaOrg), pipeline, NullLog.Instance, TimeProvider.System, new OktaClientOptions { MaxAttempts = 1 });
            var authenticator = new OktaAuthenticator(client, new AnsweringInteraction(), NullLog.Instance, TimeProvider.System, new MfaOptions
            {
                PushTimeout = TimeSpan.Zero,
                PushPollInterval = TimeSpan.Zero,
                MaxCodeAttempts = 2,
                MaxResends = 1,
            });
            Await(() => authenticator.LoginAsync("jane.doe@acme.com", "password", CancellationToken.None));
            Await(() => authenticator.StepUpAsync("00stateToken", CancellationToken.None));
            client.SessionId = "102sessionId";
            Await(() => client.GetAwsAppsAsync(CancellationToken.None));
            Await(() => client.GetCurrentSessionAsync(CancellationToken.None));
        }
    }

    /// <summary>Okta Identity Engine answers (introspect, each remediation, errors), walked as a sign-in with prompts answered.</summary>
    private static void IdxJson(byte[] input)
    {
        foreach (var status in new[] { HttpStatusCode.OK, HttpStatusCode.BadRequest, HttpStatusCode.Unauthorized })
        {
            using var handler = new FixedResponseHandler(input, status, "application/ion+json");
            using var http = new HttpClient(handler, disposeHandler: false);
            var signIn = new IdxSignIn(new IdxClient(new Uri(OktaOrg), http, NullLog.Instance), new AnsweringInteraction(), NullLog.Instance,
                TimeProvider.System, new MfaOptions { PushTimeout = TimeSpan.Zero, PushPollInterval = TimeSpan.Zero, MaxCodeAttempts = 2, MaxResends = 1 });
            Await(() => signIn.SignInAsync("02stateToken", new IdxCredentials("jane.doe@acme.com", "password"), CancellationToken.None));
            Await(() => signIn.SignInAsync("02stateToken", null, CancellationToken.None));
        }
    }

    /// <summary>The Identity Engine's sign-in page (the app link's answer): the stateToken in its script.</summary>
    private static void SignInPage(byte[] input) => Answer(() => IdxSignInPage.FindStateToken(Encoding.UTF8.GetString(input)));

    /// <summary>The AWS app page: the SAML form, a step-up page, an error page or the sign-in page.</summary>
    private static void AppPage(byte[] input)
    {
        using var handler = new FixedResponseHandler(input, HttpStatusCode.OK, "text/html");
        using var pipeline = new HttpPipeline(transport: handler);
        using var client = new OktaClient(new Uri(OktaOrg), pipeline, NullLog.Instance, TimeProvider.System, new OktaClientOptions { MaxAttempts = 1 }) { SessionId = "102sessionId" };
        Await(() => client.GetAppPageAsync("0oa1b2c3d4EXAMPLE/272", null, CancellationToken.None));
        Await(() => client.GetAppPageAsync(OktaOrg + "/login/step-up/redirect?stateToken=x", "20111sessionToken", CancellationToken.None));
    }

    /// <summary>The SAMLResponse: the input is the XML (base64-encoded here, as Okta sends it) and, once, the raw form value.</summary>
    private static void Saml(byte[] input)
    {
        Answer(() => SamlAssertion.Parse(Convert.ToBase64String(input), NullLog.Instance).ToString());
        Answer(() => SamlAssertion.Parse(Encoding.UTF8.GetString(input), NullLog.Instance).ToString());
    }

    /// <summary>STS AssumeRoleWithSAML answers (success and error XML), unmarshalled by AWSSDK.SecurityToken and mapped by Keyman.</summary>
    private static void StsXml(byte[] input)
    {
        var environment = new DictionaryEnvironment(new Dictionary<string, string>(), Scratch.Value);
        var role = new AwsRole("arn:aws:iam::123456789012:role/Admin", "arn:aws:iam::123456789012:saml-provider/Okta");
        foreach (var status in new[] { HttpStatusCode.OK, HttpStatusCode.BadRequest, HttpStatusCode.Forbidden })
        {
            using var handler = new FixedResponseHandler(input, status, "text/xml");
            using var pipeline = new HttpPipeline(environment, handler);
            var sts = new StsClient(environment, NullLog.Instance, TimeProvider.System, pipeline) { MaxErrorRetry = 0, Timeout = TimeSpan.FromSeconds(10) };
            Await(() => sts.AssumeRoleWithSamlAsync(role, Assertion.Value, 43200, "us-east-1", CancellationToken.None));
        }
    }

    /// <summary>
    /// The Bedrock event stream: the decoder alone (fed in small pieces), as sent and with its checksums repaired so that
    /// mutations reach the header and payload readers; then the streaming call that reads Anthropic chunks from it.
    /// </summary>
    private static void EventStream(byte[] input)
    {
        foreach (var bytes in new[] { input, WithValidChecksums(input) })
        {
            Await(async () =>
            {
                var reader = new EventStreamReader(new TrickleStream(bytes));
                await foreach (var message in reader.ReadAllAsync())
                {
                    _ = message.MessageType;
                    _ = message.EventType;
                }
            });
        }

        using var handler = new FixedResponseHandler(WithValidChecksums(input), HttpStatusCode.OK, "application/vnd.amazon.eventstream");
        using var pipeline = new HttpPipeline(transport: handler);
        var credentials = new AwsSigningCredentials("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", null, null,
            AwsCredentialOrigin.Environment, null, null);
        using var client = new BedrockClient(credentials, "us-east-1", new DictionaryEnvironment(new Dictionary<string, string>(), Scratch.Value),
            NullLog.Instance, TimeProvider.System, pipeline) { MaxAttempts = 1 };
        Await(async () =>
        {
            await foreach (var update in client.InvokeModelWithResponseStreamAsync("anthropic.claude-3-haiku-20240307-v1:0", AnthropicRequest.FromPrompt("hi")))
            {
                _ = update;
            }
        });
    }

    /// <summary>A copy whose frames carry correct prelude and message CRCs, as far as their declared lengths fit in the input.</summary>
    private static byte[] WithValidChecksums(byte[] input)
    {
        var bytes = input.ToArray();
        var position = 0;
        while (bytes.Length - position >= EventStreamReader.PreludeLength)
        {
            var frame = bytes.AsSpan(position);
            BinaryPrimitives.WriteUInt32BigEndian(frame[8..], Crc32.HashToUInt32(frame[..8]));
            var total = BinaryPrimitives.ReadUInt32BigEndian(frame);
            if (total < EventStreamReader.PreludeLength + 4 || total > frame.Length)
            {
                break;
            }

            BinaryPrimitives.WriteUInt32BigEndian(frame[((int)total - 4)..], Crc32.HashToUInt32(frame[..((int)total - 4)]));
            position += (int)total;
        }

        return bytes;
    }

    /// <summary>aws_okta_keyman.yml.</summary>
    private static void Config(byte[] input) =>
        ConfigFile.Parse(Encoding.UTF8.GetString(input), "/home/jane/.config/aws_okta_keyman.yml", NullLog.Instance);

    /// <summary>~/.aws/config and ~/.aws/credentials: the INI reader, and profile resolution over both files.</summary>
    private static void AwsIni(byte[] input)
    {
        var text = Encoding.UTF8.GetString(input);
        var ini = IniFile.Parse(text);
        foreach (var name in ini.SectionNames)
        {
            _ = ini.Section(name);
        }

        var config = Path.Combine(Scratch.Value, "config");
        var credentials = Path.Combine(Scratch.Value, "credentials");
        File.WriteAllBytes(config, input);
        File.WriteAllBytes(credentials, input);
        var environment = new DictionaryEnvironment(new Dictionary<string, string>
        {
            ["AWS_CONFIG_FILE"] = config,
            ["AWS_SHARED_CREDENTIALS_FILE"] = credentials,
        }, Scratch.Value);
        var profiles = new AwsProfiles(environment, NullLog.Instance);
        Answer(() => profiles.ListProfiles());
        Answer(() => profiles.Plan(null, null));
        Answer(() => profiles.Plan("dev", null));
        foreach (var name in ini.SectionNames.Take(4))
        {
            var profile = name.StartsWith("profile ", StringComparison.Ordinal) ? name["profile ".Length..] : name;
            if (profile.Length > 0)
            {
                Answer(() => profiles.Plan(profile, "eu-west-1"));
            }
        }
    }

    /// <summary>Writing a profile into an arbitrary existing credentials file, then reading it back.</summary>
    private static void CredentialsFileWrite(byte[] input)
    {
        var path = Path.Combine(Scratch.Value, "credentials-write");
        File.WriteAllBytes(path, input);
        var values = CredentialsFile.ProfileValues(
            new AwsCredentials("ASIAEXAMPLE", "secretEXAMPLE", "tokenEXAMPLE", new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero), null), "us-east-1");
        CredentialsFile.WriteProfile(path, "default", values);
        _ = CredentialsFile.ReadProfile(path, "default");
        CredentialsFile.WriteProfile(path, "dev", values, merge: true);
        _ = CredentialsFile.ReadProfile(path, "dev");
    }

    /// <summary>
    /// Duo's pages and JSON answers, as a scripted conversation (<see cref="ScriptedHandler"/>: the input's parts answer the
    /// requests in turn): Duo Web's frame for the Identity Engine, and Okta Classic's Universal Prompt (form-based or
    /// single-page), each with push, call and passcode.
    /// </summary>
    private static void Duo(byte[] input)
    {
        foreach (var method in DuoMethods.All)
        {
            Await(() => WithDuo(input, duo => duo.SignFrameAsync("api-1234abcd.duosecurity.com", "TX|dGVzdA==|sig:APP|YXBw|sig", method, CancellationToken.None)));
            Await(() => WithDuo(input, duo => duo.SignInAsync(new Uri(OktaOrg + "/sso/idps/0oaDuoIdp?stateToken=00state"), method, CancellationToken.None)));
        }

        Await(() => WithDuo(input, duo => duo.StepUpAsync(new Uri(OktaOrg + "/sso/idps/0oaDuoIdp?stateToken=00state"), DuoMethod.Push, CancellationToken.None)));
    }

    private static async Task WithDuo(byte[] input, Func<DuoAuthenticator, Task> call)
    {
        using var handler = new ScriptedHandler(input);
        using var pipeline = new HttpPipeline(transport: handler);
        using var client = new OktaClient(new Uri(OktaOrg), pipeline, NullLog.Instance, TimeProvider.System, new OktaClientOptions { MaxAttempts = 1 });
        // Up to ten polls a wait, on a clock that jumps instead of sleeping.
        var duo = new DuoAuthenticator(client, new AnsweringInteraction(), NullLog.Instance, new JumpingTime(),
            new MfaOptions { PushTimeout = TimeSpan.FromSeconds(10), PushPollInterval = TimeSpan.FromSeconds(1), MaxCodeAttempts = 2 });
        await call(duo).ConfigureAwait(false);
    }

    /// <summary>The device authorization flow's answers: device/authorize, the token polls (errors and tokens), the token exchange, /login/token/sso.</summary>
    private static void DeviceJson(byte[] input)
    {
        foreach (var status in new[] { HttpStatusCode.OK, HttpStatusCode.BadRequest, HttpStatusCode.Unauthorized })
        {
            using var handler = new FixedResponseHandler(input, status, "application/json");
            using var pipeline = new HttpPipeline(transport: handler);
            using var okta = new OktaClient(new Uri(OktaOrg), pipeline, NullLog.Instance, TimeProvider.System, new OktaClientOptions { MaxAttempts = 1 });
            var time = new JumpingTime();
            var device = new DeviceAuthorizationClient(okta, NullLog.Instance, time);
            DeviceAuthorization? authorization = null;
            Await(async () => authorization = await device.AuthorizeAsync("0oaClientId", CancellationToken.None).ConfigureAwait(false));
            authorization ??= new DeviceAuthorization("device-code", "ABCD-EFGH", new Uri(OktaOrg + "/activate"), null, time.GetUtcNow().AddSeconds(30), TimeSpan.FromSeconds(5));
            Await(() => device.WaitForApprovalAsync("0oaClientId", authorization, CancellationToken.None));
            var tokens = new DeviceTokens("access-token", "id-token", time.GetUtcNow().AddHours(1));
            Await(() => device.ExchangeForWebSsoTokenAsync("0oaClientId", tokens, "0oa1awsApp", CancellationToken.None));
            Await(() => device.GetAppPageAsync("web-sso-token", CancellationToken.None));
        }
    }

    /// <summary>Runs one call; Keyman's own exception is one of its answers.</summary>
    private static void Await(Func<Task> call)
    {
        try
        {
            call().GetAwaiter().GetResult();
        }
        catch (KeymanException)
        {
        }
    }

    private static void Answer<T>(Func<T> call)
    {
        try
        {
            _ = call();
        }
        catch (KeymanException)
        {
        }
    }
}
