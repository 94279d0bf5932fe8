using System.Net;
using System.Text;
using Keyman.Core;
using Keyman.Core.Aws;
using Keyman.Core.Aws.Sts;
using Keyman.Core.Http;
using Keyman.Core.Login;
using Keyman.Tests.Okta;
using Keyman.Tests.Support;
using static Keyman.Tests.Aws.SamlFixtures;

namespace Keyman.Tests.Login;

public sealed class AllProfilesTests : IDisposable
{
    private const string Account1 = "123456789012";
    private const string Account2 = "210987654321";

    private static readonly string[] RoleArns =
    [
        $"arn:aws:iam::{Account1}:role/Admin", $"arn:aws:iam::{Account1}:role/ReadOnly", $"arn:aws:iam::{Account1}:role/team/Dev",
        $"arn:aws:iam::{Account2}:role/Admin", $"arn:aws:iam::{Account2}:role/Deployer", $"arn:aws:iam::{Account2}:role/Auditor",
    ];

    private static readonly Dictionary<string, string> Aliases = new() { [Account1] = "acme-prod" };

    private readonly string _dir = Directory.CreateTempSubdirectory("keyman-allprofiles-").FullName;

    private string CredentialsPath => Path.Combine(_dir, ".aws", "credentials");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static SamlAssertion Assertion(params string[] roleArns) =>
        SamlAssertion.Parse(Base64(Prefixed([roleArns.Select(r => $"{(r.Contains(Account1, StringComparison.Ordinal) ? Provider1 : Provider2)},{r}")])));

    private static AllProfilesPlan Plan(SamlAssertion assertion, string template = ProfileNameTemplate.Default)
    {
        var plan = new AllProfilesPlan(ProfileNameTemplate.Parse(template));
        plan.Add(assertion, assertion.Roles, Aliases);
        return plan;
    }

    private static (AllProfiles Runner, RecordingLog Log) Create(FakeSts sts, int maxParallel = AllProfiles.DefaultMaxParallel)
    {
        var log = new RecordingLog();
        var client = new StsClient(new DictionaryEnvironment(new Dictionary<string, string>(), "/home/t"), log, new InstantTimeProvider(), new HttpPipeline(transport: sts))
        {
            MaxErrorRetry = 0,
        };
        return (new AllProfiles(client, log) { MaxParallel = maxParallel }, log);
    }

    [Fact]
    public async Task Every_role_gets_its_profile_from_one_assertion_in_one_write_of_a_0600_file()
    {
        File.WriteAllText(Path.Combine(Directory.CreateDirectory(Path.Combine(_dir, ".aws")).FullName, "credentials"), "# mine\n[keep]\naws_access_key_id = AKIAKEEP\n");
        var assertion = Assertion(RoleArns);
        var sts = new FakeSts();
        var (runner, log) = Create(sts);

        var result = await runner.RunAsync(Plan(assertion), 3600, "eu-west-1", CredentialsPath, CancellationToken.None);

        Assert.Null(result.Failure());
        Assert.Empty(result.Refused);
        Assert.Equal(
            ["acme-prod-Admin", "acme-prod-ReadOnly", "acme-prod-team-Dev", $"{Account2}-Admin", $"{Account2}-Deployer", $"{Account2}-Auditor"],
            result.Written.Select(w => w.Profile));
        Assert.Equal(RoleArns.Order(StringComparer.Ordinal), sts.Calls.Select(c => c.RoleArn).Order(StringComparer.Ordinal));
        Assert.All(sts.Calls, c => Assert.Equal(assertion.Base64, c.Assertion));

        var text = File.ReadAllText(CredentialsPath);
        Assert.StartsWith("# mine\n[keep]\naws_access_key_id = AKIAKEEP\n", text, StringComparison.Ordinal);
        foreach (var written in result.Written)
        {
            Assert.Contains($"[{written.Profile}]\naws_access_key_id = {FakeSts.KeyFor(written.Role.RoleArn)}\n", text, StringComparison.Ordinal);
        }

        Assert.Contains($"region = eu-west-1", text, StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(CredentialsPath));
        }

        Assert.Contains(("INFO", $"Wrote 6 profiles to {CredentialsPath} \U0001F4BE"), log.Lines);
    }

    [Fact]
    public async Task A_refused_role_costs_only_its_own_profile_and_is_named_with_its_reason()
    {
        var sts = new FakeSts { Refuse = { [RoleArns[1]] = "AccessDenied", [RoleArns[4]] = "ValidationError" } };
        var (runner, log) = Create(sts);

        var result = await runner.RunAsync(Plan(Assertion(RoleArns)), 3600, "us-east-1", CredentialsPath, CancellationToken.None);

        Assert.Equal(4, result.Written.Count);
        Assert.Equal(["acme-prod-ReadOnly", $"{Account2}-Deployer"], result.Refused.Select(r => r.Profile));
        var denied = result.Refused[0];
        Assert.Equal(RoleArns[1], denied.RoleArn);
        Assert.Equal(ExitCodes.StsRefused, denied.ExitCode);
        Assert.Contains("AWS refused role", denied.Reason, StringComparison.Ordinal);
        Assert.Contains(("WARNING", $"Not written: acme-prod-ReadOnly ({RoleArns[1]}): {denied.Reason}"), log.Lines);
        // The exit message sends the user to these lines: -q must not hide them.
        Assert.Contains($"Not written: acme-prod-ReadOnly ({RoleArns[1]}): {denied.Reason}", log.MustShowWarnings);

        var failure = result.Failure()!;
        Assert.Equal(ExitCodes.SomeProfilesRefused, failure.ExitCode);
        Assert.Equal($"2 of 6 profiles were not written: acme-prod-ReadOnly, {Account2}-Deployer", failure.Message);

        var text = File.ReadAllText(CredentialsPath);
        Assert.DoesNotContain("[acme-prod-ReadOnly]", text, StringComparison.Ordinal);
        Assert.Contains("[acme-prod-Admin]", text, StringComparison.Ordinal);
        Assert.Contains($"[{Account2}-Auditor]", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task When_every_role_is_refused_nothing_is_written_and_the_exit_code_is_the_refusals()
    {
        var sts = new FakeSts();
        foreach (var arn in RoleArns[..2])
        {
            sts.Refuse[arn] = "AccessDenied";
        }

        var (runner, _) = Create(sts);
        var result = await runner.RunAsync(Plan(Assertion(RoleArns[..2])), 3600, "us-east-1", CredentialsPath, CancellationToken.None);

        Assert.Empty(result.Written);
        Assert.Null(result.WrittenTo);
        Assert.False(File.Exists(CredentialsPath));
        var failure = result.Failure()!;
        Assert.Equal(ExitCodes.StsRefused, failure.ExitCode);
        Assert.Equal("No profile was written: every role was refused (acme-prod-Admin, acme-prod-ReadOnly)", failure.Message);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public async Task STS_calls_run_at_once_but_never_more_than_the_bound(int bound)
    {
        // Each call waits (up to 5 s) until `bound` calls are in flight, so a loaded machine cannot make the bound look unmet.
        var sts = new FakeSts { Delay = TimeSpan.FromMilliseconds(50), HoldUntilInFlight = bound };
        var (runner, _) = Create(sts, bound);

        var result = await runner.RunAsync(Plan(Assertion(RoleArns)), 3600, "us-east-1", null, CancellationToken.None);

        Assert.Equal(6, result.Written.Count);
        Assert.Equal(bound, sts.MaxConcurrent);
    }

    [Fact]
    public void A_template_that_gives_two_roles_one_name_is_refused_before_STS_is_asked()
    {
        var assertion = Assertion($"arn:aws:iam::{Account1}:role/a/Dev", $"arn:aws:iam::{Account1}:role/a-Dev");

        var ex = Assert.Throws<KeymanException>(() => Plan(assertion).NameProfiles());

        Assert.Equal(ExitCodes.Usage, ex.ExitCode);
        Assert.Contains("\"acme-prod-a-Dev\"", ex.Message, StringComparison.Ordinal);
        Assert.Contains("{account_id}", ex.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public void A_role_two_apps_offer_is_planned_once_an_alias_from_one_app_names_the_others_and_an_app_without_roles_is_reported()
    {
        var plan = new AllProfilesPlan(ProfileNameTemplate.Parse(ProfileNameTemplate.Default));
        var first = Assertion(RoleArns[0]);
        plan.Add(first, first.Roles, new Dictionary<string, string>()); // one role: AWS's page shows no names
        var second = Assertion(RoleArns[0], RoleArns[1], RoleArns[4]);
        plan.Add(second, second.Roles, Aliases);
        plan.AddUnusableApp("0oaEMPTY/272", new KeymanException(ExitCodes.Saml, "The SAML assertion holds no AWS role"), named: true);

        var profiles = plan.NameProfiles();
        Assert.Equal(["acme-prod-Admin", "acme-prod-ReadOnly", $"{Account2}-Deployer"], profiles.Select(p => p.Profile));
        Assert.Same(first, profiles[0].Assertion);
        Assert.Same(second, profiles[2].Assertion);
        var app = Assert.Single(plan.Refused);
        Assert.Equal("app 0oaEMPTY/272", app.Profile);
        Assert.Null(app.RoleArn);
        Assert.Equal("app 0oaEMPTY/272: The SAML assertion holds no AWS role", app.ToString());
        Assert.Equal(ExitCodes.Saml, app.ExitCode);
    }

    [Fact]
    public async Task An_app_Okta_showed_without_roles_is_skipped_with_a_line_and_not_counted_as_a_profile_not_written()
    {
        var plan = Plan(Assertion(RoleArns[..2]));
        plan.AddUnusableApp("0oaEMPTY/272", new KeymanException(ExitCodes.Saml, "The SAML assertion holds no AWS role"), named: false);
        var (runner, log) = Create(new FakeSts());

        var result = await runner.RunAsync(plan, 3600, "us-east-1", CredentialsPath, CancellationToken.None);

        Assert.Null(result.Failure());
        Assert.Empty(result.Refused);
        Assert.Equal(2, result.Written.Count);
        Assert.Contains(("WARNING", "App 0oaEMPTY/272 has no AWS roles; skipped (The SAML assertion holds no AWS role)"), log.Lines);
    }

    /// <summary>STS answering AssumeRoleWithSAML per role (a key id derived from the role), counting calls at once.</summary>
    private sealed class FakeSts : HttpMessageHandler
    {
        private readonly Lock _gate = new();
        private int _inFlight;

        public Dictionary<string, string> Refuse { get; } = [];

        public TimeSpan Delay { get; init; }

        /// <summary>Each call waits until this many calls were in flight at once (5 s at most) before it answers.</summary>
        public int HoldUntilInFlight { get; init; }

        private readonly TaskCompletionSource _heldEnough = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public List<(string RoleArn, string Assertion)> Calls { get; } = [];

        public int MaxConcurrent { get; private set; }

        public static string KeyFor(string roleArn) =>
            "ASIA" + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(roleArn)))[..16];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var form = System.Web.HttpUtility.ParseQueryString(await request.Content!.ReadAsStringAsync(cancellationToken));
            var role = form["RoleArn"]!;
            lock (_gate)
            {
                Calls.Add((role, form["SAMLAssertion"]!));
                MaxConcurrent = Math.Max(MaxConcurrent, ++_inFlight);
                if (MaxConcurrent >= HoldUntilInFlight)
                {
                    _heldEnough.TrySetResult();
                }
            }

            try
            {
                await Task.WhenAny(_heldEnough.Task, Task.Delay(TimeSpan.FromSeconds(5), cancellationToken));
                await Task.Delay(Delay, cancellationToken);
                var (status, body) = Refuse.TryGetValue(role, out var code)
                    ? (code == "AccessDenied" ? HttpStatusCode.Forbidden : HttpStatusCode.BadRequest,
                        $"<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Sender</Type><Code>{code}</Code><Message>Not authorized to perform sts:AssumeRoleWithSAML</Message></Error><RequestId>r</RequestId></ErrorResponse>")
                    : (HttpStatusCode.OK, $"""
                        <AssumeRoleWithSAMLResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleWithSAMLResult>
                        <AssumedRoleUser><AssumedRoleId>AROAEXAMPLE:jane</AssumedRoleId><Arn>{role.Replace(":iam::", ":sts::", StringComparison.Ordinal).Replace(":role/", ":assumed-role/", StringComparison.Ordinal)}/jane</Arn></AssumedRoleUser>
                        <Credentials><AccessKeyId>{KeyFor(role)}</AccessKeyId><SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETKEY1</SecretAccessKey><SessionToken>FwoGZXIvYXdzEXAMPLE</SessionToken><Expiration>2026-01-15T11:00:00Z</Expiration></Credentials>
                        </AssumeRoleWithSAMLResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></AssumeRoleWithSAMLResponse>
                        """);
                return new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, "text/xml") };
            }
            finally
            {
                lock (_gate)
                {
                    _inFlight--;
                }
            }
        }
    }
}
