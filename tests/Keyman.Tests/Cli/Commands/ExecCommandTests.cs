namespace Keyman.Tests.Cli.Commands;

public sealed class ExecCommandTests
{
    [Fact]
    public async Task RunsTheCommandWithTheCredentialsAndExitsWithItsCode()
    {
        await using var cli = (await CliTestHost.WithSandboxAsync()).WithConfig("username: nomfa@example.com", $"appid: {CliTestHost.DevApp}");

        var code = await cli.RunAsync(["exec", "--", "sh", "-c", "case $AWS_ACCESS_KEY_ID in ASIA*) [ -n \"$AWS_SESSION_TOKEN\" ] && exit 9;; esac; exit 1"],
            CliTestHost.Password + "\n");

        Assert.True(code == 9, cli.ToString());
        Assert.Contains("(INFO) Running: sh -c", cli.Error, StringComparison.Ordinal);
        // exec hands the credentials over; the credentials file stays untouched.
        Assert.False(File.Exists(cli.CredentialsPath));
    }

    [Fact]
    public async Task WithServerTheCommandGetsTheEndpointInsteadOfKeys()
    {
        await using var cli = (await CliTestHost.WithSandboxAsync()).WithConfig("username: nomfa@example.com", $"appid: {CliTestHost.DevApp}");
        const string Child = """
            import json, os, sys, urllib.request
            assert "AWS_ACCESS_KEY_ID" not in os.environ and "AWS_PROFILE" not in os.environ
            uri = os.environ["AWS_CONTAINER_CREDENTIALS_FULL_URI"]
            assert uri.startswith("http://127.0.0.1:"), uri
            request = urllib.request.Request(uri, headers={"Authorization": os.environ["AWS_CONTAINER_AUTHORIZATION_TOKEN"]})
            body = json.load(urllib.request.urlopen(request))
            sys.exit(9 if body["AccessKeyId"].startswith("ASIA") and body["Token"] else 1)
            """;

        var code = await cli.RunAsync(["exec", "--server", "--", "python3", "-c", Child], CliTestHost.Password + "\n");

        Assert.True(code == 9, cli.ToString());
        Assert.Contains("Serving the AWS credentials of", cli.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(cli.CredentialsPath));
    }

    [Fact]
    public async Task AProgramNotInPathIsExitCode127()
    {
        await using var cli = (await CliTestHost.WithSandboxAsync()).WithConfig("username: nomfa@example.com", $"appid: {CliTestHost.DevApp}");

        var code = await cli.RunAsync(["exec", "--", "no-such-program-keyman-test"], CliTestHost.Password + "\n");

        Assert.Equal(127, code);
        Assert.Contains("no executable of that name in PATH", Assert.Single(cli.ErrorLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithoutACommandItIsAUsageError()
    {
        await using var cli = await CliTestHost.OfflineAsync();

        Assert.Equal(2, await cli.RunAsync("exec"));
        Assert.Contains("Fix: see 'keyman exec --help'", cli.Error, StringComparison.Ordinal);
    }
}
