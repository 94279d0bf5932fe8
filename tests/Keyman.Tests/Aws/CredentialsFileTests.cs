using System.Text;
using Keyman.Core;
using Keyman.Core.Aws;

namespace Keyman.Tests.Aws;

public sealed class CredentialsFileTests : IDisposable
{
    private const string Secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETKEY1";
    private const string Token = "FwoGZXIvYXdzEXAMPLESESSIONTOKEN";

    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"keyman-creds-{Guid.NewGuid():N}");

    public CredentialsFileTests() => Directory.CreateDirectory(_dir);

    public void Dispose()
    {
        if (!OperatingSystem.IsWindows())
        {
            foreach (var d in Directory.EnumerateDirectories(_dir, "*", SearchOption.AllDirectories).Prepend(_dir))
            {
                File.SetUnixFileMode(d, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }

        Directory.Delete(_dir, recursive: true);
    }

    private static readonly AwsCredentials Creds = new("ASIAEXAMPLE123456789", Secret, Token, new DateTimeOffset(2025, 8, 22, 15, 35, 24, TimeSpan.Zero));

    private static IReadOnlyList<KeyValuePair<string, string>> Values(string id = "AKNEW") =>
        [new("aws_access_key_id", id), new("aws_secret_access_key", "s"), new("aws_session_token", "t")];

    private string PathOf(string name = "credentials") => Path.Combine(_dir, name);

    [Fact]
    public void ResolvePath_uses_the_variable_with_tilde_then_home()
    {
        var home = Path.Combine(_dir, "home");
        Assert.Equal(Path.Combine(home, ".aws", "credentials"),
            CredentialsFile.ResolvePath(new DictionaryEnvironment(new Dictionary<string, string>(), home)));
        Assert.Equal(Path.Combine(home, "x", "creds"),
            CredentialsFile.ResolvePath(new DictionaryEnvironment(new Dictionary<string, string> { ["AWS_SHARED_CREDENTIALS_FILE"] = "~/x/creds" }, home)));
        Assert.Equal("/etc/creds",
            CredentialsFile.ResolvePath(new DictionaryEnvironment(new Dictionary<string, string> { ["AWS_SHARED_CREDENTIALS_FILE"] = "/etc/creds" }, home)));
        Assert.Equal(Path.Combine(home, "cfg"),
            AwsConfigFile.ResolvePath(new DictionaryEnvironment(new Dictionary<string, string> { ["AWS_CONFIG_FILE"] = "~/cfg" }, home)));
    }

    [Fact]
    public void ProfileValues_has_the_keys_in_order_with_rfc3339_expiry()
    {
        var values = CredentialsFile.ProfileValues(Creds, "eu-west-1");

        Assert.Equal(
            ["aws_access_key_id", "aws_secret_access_key", "aws_session_token", "aws_security_token", "region", "x_security_token_expires"],
            values.Select(v => v.Key));
        Assert.Equal(Token, values[3].Value);
        Assert.Equal("2025-08-22T15:35:24Z", values[5].Value);
        Assert.DoesNotContain(CredentialsFile.ProfileValues(Creds, null), v => v.Key == "region");
        var assumed = CredentialsFile.ProfileValues(Creds with { AssumedRoleArn = "arn:aws:sts::111111111111:assumed-role/Dev/jane" }, null);
        Assert.Equal(new KeyValuePair<string, string>("x_principal_arn", "arn:aws:sts::111111111111:assumed-role/Dev/jane"), assumed[^1]);
    }

    [Fact]
    public void Replaces_only_the_profile_and_keeps_everything_else_byte_for_byte_with_crlf()
    {
        var original =
            "# top comment\r\n" +
            "[default]\r\n" +
            "aws_access_key_id = AKDEFAULT\r\n" +
            "; semicolon comment\r\n" +
            "\r\n" +
            "# comment about dev\r\n" +
            "[dev]\r\n" +
            "aws_access_key_id=AKOLD\r\n" +
            "# inside dev\r\n" +
            "output = json\r\n" +
            "\r\n" +
            "\r\n" +
            "; about prod\r\n" +
            "[prod]\r\n" +
            "aws_access_key_id = AKPROD   \r\n" +
            "région = ünïcode\r\n" +
            "\r\n";
        File.WriteAllText(PathOf(), original);

        CredentialsFile.WriteProfile(PathOf(), "dev", Values());

        var expected =
            "# top comment\r\n" +
            "[default]\r\n" +
            "aws_access_key_id = AKDEFAULT\r\n" +
            "; semicolon comment\r\n" +
            "\r\n" +
            "# comment about dev\r\n" +
            "[dev]\r\n" +
            "aws_access_key_id = AKNEW\r\n" +
            "aws_secret_access_key = s\r\n" +
            "aws_session_token = t\r\n" +
            "\r\n" +
            "\r\n" +
            "; about prod\r\n" +
            "[prod]\r\n" +
            "aws_access_key_id = AKPROD   \r\n" +
            "région = ünïcode\r\n" +
            "\r\n";
        Assert.Equal(expected, File.ReadAllText(PathOf()));
    }

    [Fact]
    public void Appends_a_missing_profile_after_a_blank_line_keeping_the_bom_and_non_utf8_bytes()
    {
        var original = new byte[] { 0xEF, 0xBB, 0xBF }
            .Concat(Encoding.ASCII.GetBytes("[default]\naws_access_key_id = A\n# caf"))
            .Concat(new byte[] { 0xE9 }) // Latin-1 'é' in a comment: not UTF-8, must survive untouched
            .Concat(Encoding.ASCII.GetBytes("\nregion = x"))
            .ToArray();
        File.WriteAllBytes(PathOf(), original);

        CredentialsFile.WriteProfile(PathOf(), "new", Values());

        var expected = original.Concat(Encoding.ASCII.GetBytes("\n\n[new]\naws_access_key_id = AKNEW\naws_secret_access_key = s\naws_session_token = t\n")).ToArray();
        Assert.Equal(expected, File.ReadAllBytes(PathOf()));
    }

    [Fact]
    public void Replacing_the_first_section_in_a_bom_file_keeps_the_bom()
    {
        File.WriteAllBytes(PathOf(), [0xEF, 0xBB, 0xBF, .. Encoding.ASCII.GetBytes("[dev]\nx = 1\n[b]\ny = 2\n")]);

        CredentialsFile.WriteProfile(PathOf(), "dev", [new("k", "v")]);

        Assert.Equal([0xEF, 0xBB, 0xBF, .. Encoding.ASCII.GetBytes("[dev]\nk = v\n[b]\ny = 2\n")], File.ReadAllBytes(PathOf()));
    }

    [Fact]
    public void Last_section_without_trailing_newline_is_replaced_and_duplicates_dropped()
    {
        File.WriteAllText(PathOf(), "[dev]\na = 1\n[other]\nb = 2\n[dev]\nc = 3");

        CredentialsFile.WriteProfile(PathOf(), "dev", [new("k", "v")]);

        Assert.Equal("[dev]\nk = v\n[other]\nb = 2\n", File.ReadAllText(PathOf()));
    }

    [Fact]
    public void Section_names_match_exactly_not_by_prefix_or_case()
    {
        File.WriteAllText(PathOf(), "[Dev]\na = 1\n[dev-2]\nb = 2\n[ dev ]\nc = 3\n");

        CredentialsFile.WriteProfile(PathOf(), "dev", [new("k", "v")]);

        // "[ dev ]" is the same section to botocore (name trimmed) and is the one replaced.
        Assert.Equal("[Dev]\na = 1\n[dev-2]\nb = 2\n[dev]\nk = v\n", File.ReadAllText(PathOf()));
    }

    [Fact]
    public void Creates_directory_0700_and_file_0600()
    {
        var path = Path.Combine(_dir, "nested", ".aws", "credentials");

        CredentialsFile.WriteProfile(path, "default", CredentialsFile.ProfileValues(Creds, "us-east-1"));

        var profile = CredentialsFile.ReadProfile(path, "default");
        Assert.NotNull(profile);
        Assert.Equal(Secret, profile["AWS_SECRET_ACCESS_KEY"]);
        Assert.Equal("2025-08-22T15:35:24Z", profile["x_security_token_expires"]);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(path)!));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path + ".lock"));
        }

        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(path)!, "*.tmp"));
    }

    [Fact]
    public void Existing_world_readable_file_ends_up_0600()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        File.WriteAllText(PathOf(), "[a]\nx = 1\n");
        File.SetUnixFileMode(PathOf(), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        CredentialsFile.WriteProfile(PathOf(), "b", Values());

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(PathOf()));
    }

    [Fact]
    public void Writes_through_a_symlink_and_keeps_the_link()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var real = PathOf("real-credentials");
        File.WriteAllText(real, "[a]\nx = 1\n");
        File.CreateSymbolicLink(PathOf(), real);

        CredentialsFile.WriteProfile(PathOf(), "b", [new("k", "v")]);

        Assert.NotNull(new FileInfo(PathOf()).LinkTarget);
        Assert.Equal("[a]\nx = 1\n\n[b]\nk = v\n", File.ReadAllText(real));
    }

    [Fact]
    public void A_held_lock_times_out_and_leaves_the_file_untouched()
    {
        File.WriteAllText(PathOf(), "[a]\nx = 1\n");
        using var held = new FileStream(PathOf() + ".lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);

        var ex = Assert.Throws<KeymanException>(() => CredentialsFile.WriteProfile(PathOf(), "b", Values(), TimeSpan.FromMilliseconds(300)));

        Assert.Equal(ExitCodes.CredentialsFile, ex.ExitCode);
        Assert.Equal($"Another process holds {PathOf()}.lock", ex.Message);
        Assert.Equal("[a]\nx = 1\n", File.ReadAllText(PathOf()));
    }

    [Fact]
    public void The_lock_excludes_another_process()
    {
        // util-linux flock(1) takes the same flock(2) lock .NET takes for FileShare.None on Unix.
        var flock = new[] { "/usr/bin/flock", "/bin/flock" }.FirstOrDefault(File.Exists);
        if (OperatingSystem.IsWindows() || flock is null)
        {
            return;
        }

        File.WriteAllText(PathOf(), "[a]\nx = 1\n");
        var ready = PathOf("ready");
        using var other = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(flock)
        {
            ArgumentList = { "-x", PathOf() + ".lock", "sh", "-c", $"touch '{ready}'; sleep 3" },
        })!;
        try
        {
            var waited = System.Diagnostics.Stopwatch.StartNew();
            while (!File.Exists(ready) && waited.Elapsed < TimeSpan.FromSeconds(10))
            {
                Thread.Sleep(20);
            }

            Assert.True(File.Exists(ready), "flock did not start");
            var ex = Assert.Throws<KeymanException>(() => CredentialsFile.WriteProfile(PathOf(), "b", Values(), TimeSpan.FromMilliseconds(300)));
            Assert.Equal(ExitCodes.CredentialsFile, ex.ExitCode);
            Assert.Equal("[a]\nx = 1\n", File.ReadAllText(PathOf()));

            other.WaitForExit();
            CredentialsFile.WriteProfile(PathOf(), "b", Values(), TimeSpan.FromSeconds(5));
            Assert.NotNull(CredentialsFile.ReadProfile(PathOf(), "b"));
        }
        finally
        {
            if (!other.HasExited)
            {
                other.Kill(entireProcessTree: true);
            }
        }
    }

    [Fact]
    public void A_directory_where_the_file_should_be_is_a_clear_error()
    {
        Directory.CreateDirectory(PathOf());

        var ex = Assert.Throws<KeymanException>(() => CredentialsFile.WriteProfile(PathOf(), "b", Values()));

        Assert.Equal(ExitCodes.CredentialsFile, ex.ExitCode);
        Assert.Contains(PathOf(), ex.Message, StringComparison.Ordinal);
        Assert.Contains("is a directory", ex.Message, StringComparison.Ordinal);
        Assert.NotNull(ex.Hint);
    }

    [Fact]
    public void A_file_where_the_directory_should_be_is_a_credentials_file_error()
    {
        File.WriteAllText(PathOf("blocker"), "x");
        var path = Path.Combine(PathOf("blocker"), "credentials");

        var ex = Assert.Throws<KeymanException>(() => CredentialsFile.WriteProfile(path, "b", Values()));

        Assert.Equal(ExitCodes.CredentialsFile, ex.ExitCode);
        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void Read_only_directory_fails_cleanly_and_leaves_the_original()
    {
        if (OperatingSystem.IsWindows() || Environment.IsPrivilegedProcess)
        {
            return; // root ignores directory permissions
        }

        var dir = Path.Combine(_dir, "ro");
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, "credentials");
        File.WriteAllText(path, "[a]\nx = 1\n");
        File.WriteAllText(path + ".lock", "");
        File.SetUnixFileMode(dir, UnixFileMode.UserRead | UnixFileMode.UserExecute);

        var ex = Assert.Throws<KeymanException>(() => CredentialsFile.WriteProfile(path, "b", CredentialsFile.ProfileValues(Creds, "x")));

        Assert.Equal(ExitCodes.CredentialsFile, ex.ExitCode);
        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, ex.Message + ex.Hint, StringComparison.Ordinal);
        Assert.Equal("[a]\nx = 1\n", File.ReadAllText(path));
    }

    [Fact]
    public void Invalid_input_fails_before_touching_the_file_and_never_echoes_values()
    {
        File.WriteAllText(PathOf(), "[a]\nx = 1\n");

        Assert.Equal(ExitCodes.Usage, Assert.Throws<KeymanException>(() => CredentialsFile.WriteProfile(PathOf(), "bad]name", Values())).ExitCode);
        var ex = Assert.Throws<ArgumentException>(() => CredentialsFile.WriteProfile(PathOf(), "b", [new("aws_secret_access_key", Secret + "\n[evil]")]));
        Assert.DoesNotContain(Secret, ex.Message, StringComparison.Ordinal);
        Assert.Equal("[a]\nx = 1\n", File.ReadAllText(PathOf()));
    }

    [Fact]
    public async Task Parallel_writers_of_different_profiles_lose_nothing()
    {
        File.WriteAllText(PathOf(), "# keep me\n[base]\nx = 1\n");
        const int writers = 8;
        const int rounds = 15;

        // Every write adds a new profile, so one lost read-modify-write shows up as a missing section.
        // Dedicated threads released together, so the writers really overlap even on two cores.
        using var start = new Barrier(writers);
        var errors = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
        var threads = Enumerable.Range(0, writers).Select(w => new Thread(() =>
        {
            try
            {
                start.SignalAndWait();
                for (var r = 0; r < rounds; r++)
                {
                    CredentialsFile.WriteProfile(PathOf(), $"p{w}-{r}", [new("aws_access_key_id", $"AK{w}-{r}")]);
                }
            }
            catch (Exception ex)
            {
                errors.Enqueue(ex);
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        await Task.Run(() => threads.ForEach(t => t.Join()));
        Assert.Empty(errors);

        var ini = IniFile.Load(PathOf());
        var expected = Enumerable.Range(0, writers).SelectMany(w => Enumerable.Range(0, rounds).Select(r => $"p{w}-{r}")).Append("base");
        Assert.Equal(expected.Order(StringComparer.Ordinal), ini.SectionNames.Order(StringComparer.Ordinal));
        Assert.Equal("AK3-7", ini.Section("p3-7")!["aws_access_key_id"]);
        Assert.StartsWith("# keep me\n[base]\nx = 1\n", File.ReadAllText(PathOf()), StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(_dir, "*.tmp"));
    }

    [Fact]
    public void ReadProfile_returns_null_for_missing_file_or_section()
    {
        Assert.Null(CredentialsFile.ReadProfile(PathOf("nope"), "default"));
        File.WriteAllText(PathOf(), "[a]\nx = 1\n");
        Assert.Null(CredentialsFile.ReadProfile(PathOf(), "b"));
        Assert.Equal("1", CredentialsFile.ReadProfile(PathOf(), "a")!["x"]);
    }

    [Theory]
    [InlineData("secret\n[admin]\naws_access_key_id = AKIAINJECTED", "SecretAccessKey")]
    [InlineData("secret\r", "SecretAccessKey")]
    [InlineData("secret\u001b]52;c;x\u0007", "SecretAccessKey")]
    [InlineData("", "SecretAccessKey")]
    public void Keys_from_sts_with_a_line_break_or_control_character_are_refused_with_the_sts_code(string secret, string named)
    {
        var creds = new AwsCredentials("ASIAEXAMPLE123456789", secret, Token, Creds.Expiration);

        var error = Assert.Throws<KeymanException>(() => CredentialsFile.ProfileValues(creds, "us-east-1"));

        Assert.Equal(ExitCodes.StsRefused, error.ExitCode);
        Assert.Contains(named, error.Message);
        if (secret.Length > 0)
        {
            Assert.DoesNotContain(secret, error.Message + error.Hint);
        }
    }

    [Fact]
    public void A_region_with_a_line_break_is_a_config_error_not_a_crash()
    {
        var error = Assert.Throws<KeymanException>(() => CredentialsFile.ProfileValues(Creds, "us-east-1\n[admin]"));
        Assert.Equal(ExitCodes.Config, error.ExitCode);
    }

    [Fact]
    public void A_dangling_link_creates_the_missing_folders_of_its_target_owner_only()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var target = Path.Combine(_dir, "vault", "aws", "credentials");
        File.CreateSymbolicLink(PathOf(), target);

        CredentialsFile.WriteProfile(PathOf(), "default", Values());

        Assert.True(File.Exists(target));
        Assert.Equal(target, new FileInfo(PathOf()).LinkTarget);
        foreach (var folder in new[] { Path.Combine(_dir, "vault"), Path.Combine(_dir, "vault", "aws") })
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(folder));
        }
    }

    [Theory]
    [InlineData("fifo")]
    [InlineData("link-to-fifo")]
    [InlineData("link-to-dev-null")]
    [InlineData("folder")]
    public async Task Special_files_and_links_to_them_are_refused_and_not_replaced(string kind)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var fifo = Path.Combine(_dir, "pipe");
        RegularFileTests.MakeFifo(fifo);
        switch (kind)
        {
            case "fifo":
                File.Delete(fifo);
                RegularFileTests.MakeFifo(PathOf());
                break;
            case "link-to-fifo":
                File.CreateSymbolicLink(PathOf(), fifo);
                break;
            case "link-to-dev-null":
                File.CreateSymbolicLink(PathOf(), "/dev/null");
                break;
            default:
                Directory.CreateDirectory(PathOf());
                break;
        }

        var write = Task.Run(() => CredentialsFile.WriteProfile(PathOf(), "default", Values()));
        var error = await Assert.ThrowsAsync<KeymanException>(() => write.WaitAsync(TimeSpan.FromSeconds(10)));
        var check = Assert.Throws<KeymanException>(() => CredentialsFile.CheckBeforeLogin(PathOf()));

        Assert.Equal(ExitCodes.CredentialsFile, error.ExitCode);
        Assert.Equal(ExitCodes.CredentialsFile, check.ExitCode);
        Assert.Contains("not a regular file", error.Message);
        Assert.Equal(FileKind.CharacterDevice, RegularFile.KindOf("/dev/null"));
        Assert.Empty(Directory.GetFiles(_dir, "*.tmp"));
    }

    [Fact]
    public void The_check_before_login_names_the_broken_line_and_accepts_good_missing_and_dangling_files()
    {
        File.WriteAllText(PathOf(), "[a]\nx = 1\nnot a key\n");
        var error = Assert.Throws<KeymanException>(() => CredentialsFile.CheckBeforeLogin(PathOf()));
        Assert.Equal(ExitCodes.CredentialsFile, error.ExitCode);
        Assert.Contains("line 3", error.Message);

        File.WriteAllText(PathOf(), "[a]\nx = 1\n");
        CredentialsFile.CheckBeforeLogin(PathOf());
        CredentialsFile.CheckBeforeLogin(PathOf("missing"));
        if (!OperatingSystem.IsWindows())
        {
            File.CreateSymbolicLink(PathOf("dangling"), Path.Combine(_dir, "nowhere", "credentials"));
            CredentialsFile.CheckBeforeLogin(PathOf("dangling"));
            File.SetUnixFileMode(PathOf(), UnixFileMode.None);
            if (Environment.UserName != "root")
            {
                Assert.Equal(ExitCodes.CredentialsFile, Assert.Throws<KeymanException>(() => CredentialsFile.CheckBeforeLogin(PathOf())).ExitCode);
            }
        }
    }

    [Fact]
    public async Task Many_duplicate_sections_are_replaced_in_linear_time()
    {
        var original = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("[default]\nk = v\n", 60_000)));
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var replaced = await Task.Run(() => CredentialsFile.ReplaceSection(original, "default", Values())).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
        Assert.Equal("[default]\naws_access_key_id = AKNEW\naws_secret_access_key = s\naws_session_token = t\n", Encoding.UTF8.GetString(replaced));
    }

    [Fact]
    public async Task An_sts_answer_with_a_line_break_in_the_secret_key_is_an_sts_error_and_writes_nothing()
    {
        const string injected = "secret&#10;[admin]&#10;aws_access_key_id = AKIAINJECTED";
        var answer = $"""
            <AssumeRoleWithSAMLResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleWithSAMLResult>
            <Credentials><AccessKeyId>ASIAEXAMPLE123456789</AccessKeyId><SecretAccessKey>{injected}</SecretAccessKey><SessionToken>{Token}</SessionToken><Expiration>2025-08-22T15:35:24Z</Expiration></Credentials>
            </AssumeRoleWithSAMLResult><ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></AssumeRoleWithSAMLResponse>
            """;
        var role = new AwsRole("arn:aws:iam::123456789012:role/Dev", SamlFixtures.Provider1);
        var assertion = SamlAssertion.Parse(SamlFixtures.Base64(SamlFixtures.Prefixed($"{SamlFixtures.Provider1},{role.RoleArn}")));
        using var pipeline = new Keyman.Core.Http.HttpPipeline(transport: new FixedAnswer(answer));
        var sts = new Keyman.Core.Aws.Sts.StsClient(new DictionaryEnvironment(new Dictionary<string, string>(), _dir), new Support.RecordingLog(), pipeline: pipeline);

        var creds = await sts.AssumeRoleWithSamlAsync(role, assertion, 3600, "us-east-1", CancellationToken.None);
        Assert.Contains('\n', creds.SecretAccessKey); // the SDK hands the line break through

        var error = Assert.Throws<KeymanException>(() => CredentialsFile.WriteProfile(PathOf(), "default", CredentialsFile.ProfileValues(creds, "us-east-1")));
        Assert.Equal(ExitCodes.StsRefused, error.ExitCode);
        Assert.DoesNotContain("AKIAINJECTED", error.Message + error.Hint);
        Assert.False(File.Exists(PathOf()));
    }

    private sealed class FixedAnswer(string xml) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(System.Net.HttpStatusCode.OK) { Content = new StringContent(xml, Encoding.UTF8, "text/xml") });
    }
}
