using System.Diagnostics;
using Keyman.Core.Aws;
using Keyman.Core.Aws.Profiles;
using Keyman.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Keyman.Tests.Aws.Profiles;

/// <summary>The assumed-role cache shared with the AWS CLI: its key, its files, and every file it must ignore.</summary>
public sealed class AssumeRoleCacheTests : IDisposable
{
    private const string Role = "arn:aws:iam::111111111111:role/my-bedrock-role";
    private static readonly AwsRoleLink Link = new("bedrock", Role, "default", null, null, null);

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "keyman-rolecache-" + Guid.NewGuid().ToString("N"), "cli", "cache");
    private readonly RecordingLog _log = new();
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero));

    private AssumeRoleCache Cache => new(_dir, _log, _clock);

    private AwsSigningCredentials Issued(TimeSpan life) =>
        new("ASIACACHED", "secret", "token", _clock.GetUtcNow() + life, AwsCredentialOrigin.AssumedRole, "bedrock", null, Role);

    public void Dispose()
    {
        var root = Path.GetDirectoryName(Path.GetDirectoryName(_dir))!;
        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Theory]
    // Values from botocore 1.43: sha1(json.dumps(args, sort_keys=True)) over the AssumeRole arguments.
    [InlineData(null, null, null, "9f9ec9968f0df89b037d24aea99aa513b77fe568")]
    [InlineData("me", "ext\u00e9\"x", 3600, "1a125b283ad8a0dd4f1c35230c581ef96d7e6713")]
    public void The_key_is_the_AWS_CLIs(string? sessionName, string? externalId, int? duration, string expected) =>
        Assert.Equal(expected, AssumeRoleCache.Key(new AwsRoleLink("bedrock", Role, "default", sessionName, externalId, duration)));

    [Fact]
    public void What_is_put_comes_back_from_a_0600_file_in_a_0700_folder_while_over_5_minutes_are_left()
    {
        Cache.Put(Link, Issued(TimeSpan.FromHours(1)), "keyman-1");

        var hit = Cache.TryGet(Link);
        Assert.NotNull(hit);
        Assert.Equal(("ASIACACHED", "secret", "token", Role), (hit.AccessKeyId, hit.SecretAccessKey, hit.SessionToken, hit.RoleArn));
        var path = Cache.PathFor(Link);
        Assert.Equal(Path.Combine(_dir, "9f9ec9968f0df89b037d24aea99aa513b77fe568.json"), path);
        Assert.Contains("\"AssumedRoleUser\":{\"Arn\":\"arn:aws:sts::111111111111:assumed-role/my-bedrock-role/keyman-1\"}", File.ReadAllText(path), StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(_dir));
        }

        _clock.Advance(TimeSpan.FromMinutes(54));
        Assert.NotNull(Cache.TryGet(Link));
        _clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Null(Cache.TryGet(Link));
    }

    [Fact]
    public void An_entry_the_AWS_CLI_wrote_is_used()
    {
        Directory.CreateDirectory(_dir);
        File.WriteAllText(Cache.PathFor(Link), """
            {"Credentials": {"AccessKeyId": "ASIAFROMCLI", "SecretAccessKey": "s", "SessionToken": "t", "Expiration": "2026-12-03T13:00:00UTC", "AccountId": "111111111111"},
             "AssumedRoleUser": {"AssumedRoleId": "AROAX:botocore-session-1", "Arn": "arn:aws:sts::111111111111:assumed-role/my-bedrock-role/botocore-session-1"},
             "ResponseMetadata": {"RequestId": "r", "HTTPStatusCode": 200}}
            """);

        var hit = Cache.TryGet(Link);

        Assert.Equal("ASIAFROMCLI", hit?.AccessKeyId);
        Assert.Equal(new DateTimeOffset(2026, 12, 3, 13, 0, 0, TimeSpan.Zero), hit?.Expiration);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("{\"Credentials\": {\"AccessKeyId\": \"A\", \"SecretAccessKey\": \"s\", \"SessionToken\": \"t\", \"Expiration\": \"2026-12-03T13:00:00Z\"}}")]
    [InlineData("{\"Credentials\": {\"AccessKeyId\": \"A\", \"SecretAccessKey\": \"s\", \"Expiration\": \"2026-12-03T13:00:00Z\"}, \"AssumedRoleUser\": {\"Arn\": \"arn:aws:sts::111111111111:assumed-role/my-bedrock-role/x\"}}")]
    [InlineData("{\"Credentials\": {\"AccessKeyId\": \"A\", \"SecretAccessKey\": \"s\", \"SessionToken\": \"t\", \"Expiration\": \"soon\"}, \"AssumedRoleUser\": {\"Arn\": \"arn:aws:sts::111111111111:assumed-role/my-bedrock-role/x\"}}")]
    // Another role's entry under this key (copied, or a collision): ignored.
    [InlineData("{\"Credentials\": {\"AccessKeyId\": \"A\", \"SecretAccessKey\": \"s\", \"SessionToken\": \"t\", \"Expiration\": \"2026-12-03T13:00:00Z\"}, \"AssumedRoleUser\": {\"Arn\": \"arn:aws:sts::111111111111:assumed-role/Admin/x\"}}")]
    [InlineData("{\"Credentials\": {\"AccessKeyId\": \"A\", \"SecretAccessKey\": \"s\", \"SessionToken\": \"t\", \"Expiration\": \"2026-12-03T13:00:00Z\"}, \"AssumedRoleUser\": {\"Arn\": \"arn:aws:sts::222222222222:assumed-role/my-bedrock-role/x\"}}")]
    public void A_corrupt_incomplete_or_foreign_entry_is_ignored(string content)
    {
        Directory.CreateDirectory(_dir);
        File.WriteAllText(Cache.PathFor(Link), content);

        Assert.Null(Cache.TryGet(Link));
    }

    [Fact]
    public void An_entry_over_64_KiB_is_ignored_without_reading_it_all()
    {
        Directory.CreateDirectory(_dir);
        File.WriteAllText(Cache.PathFor(Link), new string(' ', AssumeRoleCache.MaxFileBytes + 1));

        Assert.Null(Cache.TryGet(Link));
        Assert.Contains("larger than", _log.All, StringComparison.Ordinal);
    }

    [Fact]
    public void A_FIFO_or_a_folder_in_its_place_is_ignored_and_never_opened_or_replaced()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        Directory.CreateDirectory(_dir);
        using (var mkfifo = Process.Start("mkfifo", [Cache.PathFor(Link)]))
        {
            mkfifo.WaitForExit();
        }

        Assert.Null(Cache.TryGet(Link));   // would block forever if it opened the FIFO
        Cache.Put(Link, Issued(TimeSpan.FromHours(1)), "keyman-1");
        Assert.Equal(Keyman.Core.FileKind.Fifo, Keyman.Core.RegularFile.KindOf(Cache.PathFor(Link)));
    }

    [Fact]
    public void A_role_with_a_path_matches_its_session_name()
    {
        var link = Link with { RoleArn = "arn:aws:iam::111111111111:role/team/my-bedrock-role" };

        Cache.Put(link, Issued(TimeSpan.FromHours(1)) with { RoleArn = link.RoleArn }, "keyman-1");

        Assert.NotNull(Cache.TryGet(link));
    }

    [Fact]
    public void An_unwritable_folder_is_no_failure()
    {
        var blocked = new AssumeRoleCache(Path.Combine("/proc", "keyman-nope", "cache"), _log, _clock);

        blocked.Put(Link, Issued(TimeSpan.FromHours(1)), "keyman-1");

        Assert.Null(blocked.TryGet(Link));
    }
}
