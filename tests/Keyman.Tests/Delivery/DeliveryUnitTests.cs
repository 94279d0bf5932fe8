using System.Net;
using System.Text;
using System.Text.Json;
using Keyman.Core;
using Keyman.Core.Aws;
using Keyman.Core.Config;
using Keyman.Core.Delivery;
using Keyman.Tests.Okta;
using Keyman.Tests.Support;

namespace Keyman.Tests.Delivery;

public sealed class CommandLineTests
{
    [Theory]
    [InlineData("aws sts get-caller-identity", new[] { "aws", "sts", "get-caller-identity" })]
    [InlineData("  aws   s3  ls ", new[] { "aws", "s3", "ls" })]
    [InlineData("sh -c 'echo $HOME | wc -c'", new[] { "sh", "-c", "echo $HOME | wc -c" })]
    [InlineData("printf \"%s\\n\" \"a \\\"b\\\" c\"", new[] { "printf", "%s\\n", "a \"b\" c" })]
    [InlineData("echo a\\ b ''", new[] { "echo", "a b", "" })]
    [InlineData("\"/opt/my tools/run\" --x=1", new[] { "/opt/my tools/run", "--x=1" })]
    public void SplitsLikeAPosixShellWithoutExpanding(string command, string[] expected) =>
        Assert.Equal(expected, CommandLine.Split(command));

    [Theory]
    [InlineData("echo 'open")]
    [InlineData("echo \"open")]
    [InlineData("   ")]
    public void RefusesUnclosedQuotesAndEmptyCommands(string command) =>
        Assert.Equal(ExitCodes.Usage, Assert.Throws<KeymanException>(() => CommandLine.Split(command)).ExitCode);
}

public sealed class CredentialVariablesTests
{
    private static readonly AwsCredentials Credentials = new("ASIAEXAMPLE", "se'cr\"et\\$x`", "tok/en+=", new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero));

    [Fact]
    public void NamesEveryVariableTheSdksAndToolsRead()
    {
        var vars = CredentialVariables.For(Credentials, "eu-west-1").ToDictionary(v => v.Key, v => v.Value);
        Assert.Equal("ASIAEXAMPLE", vars["AWS_ACCESS_KEY_ID"]);
        Assert.Equal(Credentials.SecretAccessKey, vars["AWS_SECRET_ACCESS_KEY"]);
        Assert.Equal("tok/en+=", vars["AWS_SESSION_TOKEN"]);
        Assert.Equal("tok/en+=", vars["AWS_SECURITY_TOKEN"]);
        Assert.Equal("eu-west-1", vars["AWS_REGION"]);
        Assert.Equal("eu-west-1", vars["AWS_DEFAULT_REGION"]);
        Assert.Equal("2030-01-02T03:04:05Z", vars["AWS_CREDENTIAL_EXPIRATION"]);
    }

    [Fact]
    public void TheChildLosesTheProfileVariablesAndTheSecretStorePassphrase() =>
        Assert.Equal(["AWS_PROFILE", "AWS_DEFAULT_PROFILE", "KEYMAN_SECRET_STORE_PASSPHRASE"], CredentialVariables.Cleared);

    [Fact]
    public async Task TheSecretStorePassphraseDoesNotReachTheCommand()
    {
        var output = Path.Combine(Directory.CreateTempSubdirectory("keyman-env-").FullName, "env");
        try
        {
            // ChildProcess clears from the environment the child inherits, so set it for this process for the run.
            Environment.SetEnvironmentVariable("KEYMAN_SECRET_STORE_PASSPHRASE", "hunter2");
            var code = await ChildProcess.RunAsync(["sh", "-c", $"printenv > '{output}'"], [new("AWS_REGION", "eu-west-1")],
                CredentialVariables.Cleared, forwardInterrupt: false, new RecordingLog());
            Assert.Equal(0, code);
            var env = File.ReadAllText(output);
            Assert.Contains("AWS_REGION=eu-west-1", env);
            Assert.DoesNotContain("hunter2", env);
        }
        finally
        {
            Environment.SetEnvironmentVariable("KEYMAN_SECRET_STORE_PASSPHRASE", null);
            Directory.Delete(Path.GetDirectoryName(output)!, recursive: true);
        }
    }

    [Fact]
    public void QuotesSoThatNoCharacterIsSpecial()
    {
        Assert.Equal("'se'\\''cr\"et\\$x`'", CredentialVariables.PosixQuote(Credentials.SecretAccessKey));
        Assert.Equal("'se\\'cr\"et\\\\$x`'", CredentialVariables.FishQuote(Credentials.SecretAccessKey));
        Assert.Equal("'se''cr\"et\\$x`'", CredentialVariables.PowerShellQuote(Credentials.SecretAccessKey));
        var vars = CredentialVariables.For(Credentials, "us-east-1");
        Assert.StartsWith("export AWS_ACCESS_KEY_ID='ASIAEXAMPLE'\n", CredentialVariables.Format(vars, ExportFormat.Bash));
        Assert.StartsWith("set -gx AWS_ACCESS_KEY_ID 'ASIAEXAMPLE';\n", CredentialVariables.Format(vars, ExportFormat.Fish));
        Assert.StartsWith("$Env:AWS_ACCESS_KEY_ID = 'ASIAEXAMPLE'\n", CredentialVariables.Format(vars, ExportFormat.PowerShell));
        using var json = JsonDocument.Parse(CredentialVariables.Format(vars, ExportFormat.Json));
        Assert.Equal(Credentials.SecretAccessKey, json.RootElement.GetProperty("AWS_SECRET_ACCESS_KEY").GetString());
        string[] profile = ["AWS_PROFILE", "AWS_DEFAULT_PROFILE"];
        Assert.Equal(profile, CredentialVariables.Overriding);
        Assert.StartsWith("unset AWS_PROFILE\nunset AWS_DEFAULT_PROFILE\nexport AWS_ACCESS_KEY_ID=", CredentialVariables.Format(vars, ExportFormat.Zsh, profile), StringComparison.Ordinal);
        Assert.StartsWith("set -e AWS_PROFILE;\nset -e AWS_DEFAULT_PROFILE;\nset -gx ", CredentialVariables.Format(vars, ExportFormat.Fish, profile), StringComparison.Ordinal);
        Assert.StartsWith("Remove-Item Env:AWS_PROFILE -ErrorAction SilentlyContinue\nRemove-Item Env:AWS_DEFAULT_PROFILE -ErrorAction SilentlyContinue\n$Env:", CredentialVariables.Format(vars, ExportFormat.PowerShell, profile), StringComparison.Ordinal);
        using var unsetJson = JsonDocument.Parse(CredentialVariables.Format(vars, ExportFormat.Json, profile));
        Assert.Equal(JsonValueKind.Null, unsetJson.RootElement.GetProperty("AWS_DEFAULT_PROFILE").ValueKind);
        Assert.Equal(ExitCodes.Usage, Assert.Throws<KeymanException>(() => CredentialVariables.ParseFormat("cmd")).ExitCode);
    }
}

public sealed class ConsoleSigninTests
{
    [Theory]
    [InlineData("https://signin.aws.amazon.com/saml", "aws", "https://signin.aws.amazon.com/federation", "https://console.aws.amazon.com/")]
    [InlineData("https://us-east-2.signin.aws.amazon.com/saml", "aws", "https://us-east-2.signin.aws.amazon.com/federation", "https://console.aws.amazon.com/")]
    [InlineData("https://signin.amazonaws-us-gov.com/saml", "aws", "https://signin.amazonaws-us-gov.com/federation", "https://console.amazonaws-us-gov.com/")]
    [InlineData("https://signin.amazonaws.cn/saml", "aws", "https://signin.amazonaws.cn/federation", "https://console.amazonaws.cn/")]
    [InlineData(null, "aws-us-gov", "https://signin.amazonaws-us-gov.com/federation", "https://console.amazonaws-us-gov.com/")]
    public void PicksThePartitionFromTheSamlFormAction(string? action, string partition, string federation, string destination)
    {
        var (f, d) = ConsoleSignin.Endpoints(action is null ? null : new Uri(action), partition);
        Assert.Equal(federation, f.ToString());
        Assert.Equal(destination, d.ToString());
    }

    [Fact]
    public async Task PostsTheSessionAndBuildsTheLoginUrlWithTheOrgAsIssuer()
    {
        var handler = new TestHttpMessageHandler().OnJson(HttpMethod.Post, "/federation", """{"SigninToken":"tok+en/=="}""");
        var signin = new ConsoleSignin(new DictionaryEnvironment(new Dictionary<string, string>(), "/home/t"), handler, new RecordingLog());
        var credentials = new AwsCredentials("ASIAX", "secret", "token", DateTimeOffset.UtcNow.AddHours(1));
        var url = await signin.CreateLoginUrlAsync(credentials, new Uri("https://signin.aws.amazon.com/saml"), "aws",
            new Uri("https://login.acme.com/"), 3600, CancellationToken.None);

        Assert.Equal("https://signin.aws.amazon.com/federation?Action=login&Issuer=https%3A%2F%2Flogin.acme.com%2F&Destination=https%3A%2F%2Fconsole.aws.amazon.com%2F&SigninToken=tok%2Ben%2F%3D%3D", url.AbsoluteUri);
        var request = Assert.Single(handler.Requests);
        Assert.DoesNotContain("secret", request.Uri.ToString());
        var form = request.Body!.Split('&').ToDictionary(p => p[..p.IndexOf('=')], p => WebUtility.UrlDecode(p[(p.IndexOf('=') + 1)..]));
        Assert.Equal("getSigninToken", form["Action"]);
        Assert.Equal("3600", form["SessionDuration"]);
        using var session = JsonDocument.Parse(form["Session"]);
        Assert.Equal("secret", session.RootElement.GetProperty("sessionKey").GetString());
    }

    [Fact]
    public async Task ARefusalIsATypedFailureWithoutTheSecret()
    {
        var handler = new TestHttpMessageHandler().On(HttpMethod.Post, "/federation", _ => new HttpResponseMessage(HttpStatusCode.BadRequest) { Content = new StringContent("<html>Bad</html>") });
        var env = new DictionaryEnvironment(new Dictionary<string, string> { [ConsoleSignin.EndpointVariable] = "http://127.0.0.1:9/federation" }, "/home/t");
        var signin = new ConsoleSignin(env, handler, new RecordingLog());
        var e = await Assert.ThrowsAsync<KeymanException>(() => signin.CreateLoginUrlAsync(
            new AwsCredentials("ASIAX", "secret", "token", DateTimeOffset.UtcNow), null, "aws", new Uri("https://acme.okta.com/"), null, CancellationToken.None));
        Assert.Equal(ExitCodes.ConsoleSignin, e.ExitCode);
        Assert.DoesNotContain("secret", e.Message + e.Hint);
        Assert.Equal("http://127.0.0.1:9/federation", handler.Requests[0].Uri.ToString());
    }
}

public sealed class ConsoleSigninPageTests
{
    private static readonly Uri LoginUrl = new("https://signin.aws.amazon.com/federation?Action=login&Issuer=https%3A%2F%2Facme.okta.com%2F&Destination=https%3A%2F%2Fconsole.aws.amazon.com%2F&SigninToken=tok%2Ben%2F%3D%3D");

    [Fact]
    public void TheRedirectPageIsPrivateAndSendsTheBrowserOnToTheUrl()
    {
        var page = ConsoleSignin.WriteRedirectPage(LoginUrl);
        var directory = Path.GetDirectoryName(page)!;
        try
        {
            Assert.StartsWith(Path.GetFullPath(Path.GetTempPath()), page);
            Assert.DoesNotContain("tok", page);
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(page));
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(directory));
            }

            var html = File.ReadAllText(page);
            Assert.Equal(ConsoleSignin.RedirectPage(LoginUrl), html);
            var attribute = WebUtility.HtmlEncode(LoginUrl.AbsoluteUri);
            Assert.Contains("&amp;SigninToken=tok%2Ben%2F%3D%3D", attribute);
            Assert.Contains($"<meta http-equiv=\"refresh\" content=\"0;url={attribute}\">", html);
            Assert.Contains($"<a href=\"{attribute}\">", html);
            Assert.Contains("location.replace(\"https://signin.aws.amazon.com/federation?Action=login\\u0026Issuer=", html);
            Assert.Contains("<meta name=\"referrer\" content=\"no-referrer\">", html);
        }
        finally
        {
            ConsoleSignin.DeleteRedirectPage(page);
        }

        Assert.False(Directory.Exists(directory));
    }

    [Fact]
    public void NothingInTheUrlCanBreakOutOfTheAttributeOrTheScript()
    {
        var html = ConsoleSignin.RedirectPage(new Uri("https://example.com/f?a=\"><script>alert(1)</script>&b='x'"));
        Assert.DoesNotContain("<script>alert", html);
        Assert.Single(html.Split("<script>").Skip(1));
        Assert.Single(html.Split("<a ").Skip(1));
    }
}

public sealed class ConsoleSigninEndpointTests
{
    [Theory]
    [InlineData("http://signin.example.com/federation")]
    [InlineData("http://10.0.0.5:8080/federation")]
    [InlineData("http://localhost.example.com/federation")]
    [InlineData("http://128.0.0.1/federation")]
    public async Task PlainHttpToAnotherHostIsRefusedBeforeTheKeysAreSent(string endpoint)
    {
        var handler = new TestHttpMessageHandler().OnJson(HttpMethod.Post, "/federation", """{"SigninToken":"t"}""");
        var env = new DictionaryEnvironment(new Dictionary<string, string> { [ConsoleSignin.EndpointVariable] = endpoint }, "/home/t");
        var signin = new ConsoleSignin(env, handler, new RecordingLog());
        var e = await Assert.ThrowsAsync<KeymanException>(() => signin.CreateLoginUrlAsync(
            new AwsCredentials("ASIAX", "secret", "token", DateTimeOffset.UtcNow), null, "aws", new Uri("https://acme.okta.com/"), null, CancellationToken.None));
        Assert.Equal(ExitCodes.Config, e.ExitCode);
        Assert.Contains(ConsoleSignin.EndpointVariable, e.Message);
        Assert.Contains("https://", e.Hint);
        Assert.Empty(handler.Requests);
    }

    [Theory]
    [InlineData("http://127.0.0.1:9/federation")]
    [InlineData("http://127.1.2.3:9/federation")]
    [InlineData("http://localhost:9/federation")]
    [InlineData("http://[::1]:9/federation")]
    [InlineData("https://proxy.example.com/federation")]
    public async Task HttpsAnywhereAndPlainHttpToLoopbackAreUsed(string endpoint)
    {
        var handler = new TestHttpMessageHandler().OnJson(HttpMethod.Post, "/federation", """{"SigninToken":"t"}""");
        var env = new DictionaryEnvironment(new Dictionary<string, string> { [ConsoleSignin.EndpointVariable] = endpoint }, "/home/t");
        var signin = new ConsoleSignin(env, handler, new RecordingLog());
        var url = await signin.CreateLoginUrlAsync(
            new AwsCredentials("ASIAX", "secret", "token", DateTimeOffset.UtcNow), null, "aws", new Uri("https://acme.okta.com/"), null, CancellationToken.None);
        Assert.Equal(new Uri(endpoint), Assert.Single(handler.Requests).Uri);
        Assert.StartsWith(endpoint + "?Action=login", url.AbsoluteUri);
    }
}

public sealed class CredentialProcessCacheTests
{
    [Fact]
    public void ProcessOutputIsVersionOneJsonWithAnIntegerVersion()
    {
        var output = CredentialProcessCache.ProcessOutput(new AwsCredentials("ASIAX", "s", "t", new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero)));
        Assert.Equal("""{"Version":1,"AccessKeyId":"ASIAX","SecretAccessKey":"s","SessionToken":"t","Expiration":"2030-01-02T03:04:05Z"}""", output);
    }

    [Fact]
    public void RoundTripsAndIsFreshWhileMoreThanTheLeadRemains()
    {
        var issued = new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var entry = new CredentialProcessCache.Entry(new AwsCredentials("ASIAX", "s", "t", issued.AddHours(1), "arn:aws:sts::1:assumed-role/R/x"), issued);
        var back = CredentialProcessCache.Deserialize(CredentialProcessCache.Serialize(entry))!;
        Assert.Equal(entry.Credentials, back.Credentials);
        Assert.Equal(issued, back.IssuedAt);

        var config = new KeymanConfig();
        Assert.True(CredentialProcessCache.IsFresh(back, config, issued.AddMinutes(44)));
        Assert.False(CredentialProcessCache.IsFresh(back, config, issued.AddMinutes(45).AddSeconds(1)));
        Assert.True(CredentialProcessCache.IsFresh(back, config with { RefreshBefore = 60 }, issued.AddMinutes(58)));
        Assert.Null(CredentialProcessCache.Deserialize("not json"));
        Assert.Null(CredentialProcessCache.Deserialize("""{"AccessKeyId":"x"}"""));
    }

    [Fact]
    public void TheRefreshLeadScalesWithShortLifetimes()
    {
        var config = new KeymanConfig();
        Assert.Equal(TimeSpan.FromMinutes(10), config.RefreshLead(TimeSpan.FromHours(1), KeymanConfig.DefaultReupBefore));
        Assert.Equal(TimeSpan.FromSeconds(225), config.RefreshLead(TimeSpan.FromSeconds(900), KeymanConfig.DefaultReupBefore));
        Assert.Equal(TimeSpan.FromSeconds(3.75), config.RefreshLead(TimeSpan.FromSeconds(15), KeymanConfig.DefaultReupBefore));
    }

    [Fact]
    public async Task TheLockIsExclusiveAndWaitsBoundedly()
    {
        var dir = Directory.CreateTempSubdirectory("keyman-lock-").FullName;
        try
        {
            var path = Path.Combine(dir, "locks", "dev.lock");
            using (await CredentialProcessCache.LockAsync(path, TimeSpan.FromSeconds(1), CancellationToken.None))
            {
                var e = await Assert.ThrowsAsync<KeymanException>(() => CredentialProcessCache.LockAsync(path, TimeSpan.FromMilliseconds(200), CancellationToken.None));
                Assert.Equal(ExitCodes.CredentialProcessBusy, e.ExitCode);
            }

            using var again = await CredentialProcessCache.LockAsync(path, TimeSpan.FromSeconds(1), CancellationToken.None);
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void SetupProfileKeepsTheRestOfTheAwsConfig()
    {
        var dir = Directory.CreateTempSubdirectory("keyman-cfg-").FullName;
        try
        {
            var path = Path.Combine(dir, "config");
            File.WriteAllText(path, "[default]\nregion = eu-west-1\n\n# team\n[profile dev]\nrole_arn = x\n\n[profile z]\noutput = json\n");
            var line = CredentialProcessProfile.Write(path, "dev", "/opt/my tools/keyman", "us-east-1", null);
            Assert.Equal("\"/opt/my tools/keyman\" credential-process --profile dev", line);
            Assert.Equal("[default]\nregion = eu-west-1\n\n# team\n[profile dev]\ncredential_process = \"/opt/my tools/keyman\" credential-process --profile dev\nregion = us-east-1\n\n[profile z]\noutput = json\n",
                File.ReadAllText(path));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void SetupProfileMergesIntoAnExistingProfileKeepingTheUsersSettings()
    {
        var dir = Directory.CreateTempSubdirectory("keyman-cfg-").FullName;
        try
        {
            var path = Path.Combine(dir, "config");
            File.WriteAllText(path, "[profile  dev]\n# mine\noutput = table\nregion = eu-west-1\ncli_pager =\ns3 =\n  max_concurrent_requests = 4\naws_access_key_id = AKIAOLD\n\n[profile z]\noutput = json\n");

            CredentialProcessProfile.Write(path, "dev", "/usr/local/bin/keyman", "us-east-1", null);
            Assert.Equal("[profile  dev]\n# mine\noutput = table\nregion = eu-west-1\ncli_pager =\ns3 =\n  max_concurrent_requests = 4\ncredential_process = /usr/local/bin/keyman credential-process --profile dev\n\n[profile z]\noutput = json\n",
                File.ReadAllText(path));

            // --region given: it replaces the profile's region in place; a second run changes nothing else.
            CredentialProcessProfile.Write(path, "dev", "/usr/local/bin/keyman", "us-west-2", null, overwriteRegion: true);
            Assert.Equal("[profile  dev]\n# mine\noutput = table\nregion = us-west-2\ncli_pager =\ns3 =\n  max_concurrent_requests = 4\ncredential_process = /usr/local/bin/keyman credential-process --profile dev\n\n[profile z]\noutput = json\n",
                File.ReadAllText(path));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}

public sealed class AssumeRoleConfigTests
{
    [Fact]
    public void ReadsAssumeRoleArnAtTheTopAndPerAccount()
    {
        var config = ConfigFile.Parse("""
            org: acme
            assume_role_arn: arn:aws:iam::111111111111:role/my-bedrock-role
            refresh_before: 300
            accounts:
              - name: Dev
                appid: 0oa1/272
                assume_role_arn: arn:aws:iam::222222222222:role/team/Admin
              - name: Prod
                appid: 0oa2/272
            """, "c.yml", new RecordingLog());
        Assert.Equal("arn:aws:iam::111111111111:role/my-bedrock-role", config.AssumeRoleArn);
        Assert.Equal(300, config.RefreshBefore);
        Assert.Equal("arn:aws:iam::222222222222:role/team/Admin", config.Accounts![0].AssumeRoleArn);
        Assert.Null(config.Accounts[1].AssumeRoleArn);

        var e = Assert.Throws<KeymanException>(() => ConfigFile.Parse("assume_role_arn: my-bedrock-role\n", "c.yml", new RecordingLog()));
        Assert.Equal(ExitCodes.Config, e.ExitCode);
        Assert.Contains("line 1", e.Message);
    }

    [Fact]
    public void WritesThemBack()
    {
        var dir = Directory.CreateTempSubdirectory("keyman-w-").FullName;
        try
        {
            var path = Path.Combine(dir, "c.yml");
            var config = new KeymanConfig
            {
                Org = "acme",
                AssumeRoleArn = "arn:aws:iam::111111111111:role/B",
                Accounts = [new AccountEntry("Dev", "0oa1/272", "arn:aws:iam::111111111111:role/C")],
            };
            ConfigFile.Write(path, config);
            var back = ConfigFile.Load(path, new RecordingLog());
            Assert.Equal(config.AssumeRoleArn, back.AssumeRoleArn);
            Assert.Equal(config.Accounts[0], back.Accounts![0]);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
