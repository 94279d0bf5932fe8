using Keyman.EndToEnd.Support;

namespace Keyman.EndToEnd.Login;

/// <summary>Choosing the AWS app and the role: filters, menus, several accounts, path roles, either attribute order.</summary>
public sealed class RoleAndAppTests
{
    private const string MultiApp = "0oa2multiAcctXyZ/137";

    private static async Task<World> NomfaAsync(params string[] config)
    {
        var world = await World.StartAsync();
        world.WithConfig(["username: nomfa@example.com", .. config]);
        return world;
    }

    /// <summary>A config with an accounts list of two: Dev (one role) and Multi (roles in two AWS accounts).</summary>
    private static Task<World> DevAndMultiAsync() =>
        NomfaAsync("accounts:", "  - name: Dev", "    appid: 0oa1dev2AbCdEfGh/272", "  - name: Multi", $"    appid: {MultiApp}");

    private static string AssumedArn(RunResult run) =>
        run.StdErr.Split('\n').Single(l => l.Contains("Assuming role: ", StringComparison.Ordinal)).Split("Assuming role: ")[1].Trim();

    [Fact]
    public async Task MenuListsEveryRoleOfEveryAccountSortedAndTakesOnlyListedNumbers()
    {
        await using var world = await NomfaAsync($"appid: {MultiApp}");
        var run = await world.RunAsync([],
            Answer.With(Answer.PasswordPrompt, World.Password),
            Answer.With(@"(?s)Multiple AWS roles found; please select one.*Selection: $", "4"),
            Answer.With(@"(?s)not one of the listed numbers.*Selection: $", "-1"),
            Answer.Pick(@"(?s)not one of the listed numbers.*Selection: $", "team/Admin"));
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("arn:aws:iam::222222222222:role/team/Admin", AssumedArn(run));
        var menu = run.StdErr.Split('\n').Where(l => l.StartsWith('[')).Take(4).ToList();
        Assert.Equal(4, menu.Count);
        Assert.Contains("111111111111", menu[0]);
        Assert.Contains("Developer", menu[0]);
        Assert.Contains("ReadOnly", menu[1]);
        Assert.Contains("222222222222", menu[2]);
        Assert.Contains("Deployer", menu[2]);
        Assert.Contains("team/Admin", menu[3]);
    }

    [Theory]
    [InlineData(new[] { "--role", "team/Admin" }, "arn:aws:iam::222222222222:role/team/Admin")]
    [InlineData(new[] { "-ro", "ReadOnly" }, "arn:aws:iam::111111111111:role/ReadOnly")]
    [InlineData(new[] { "--account", "222222222222", "--role", "Deployer" }, "arn:aws:iam::222222222222:role/Deployer")]
    [InlineData(new[] { "--role", "arn:aws:iam::111111111111:role/Developer" }, "arn:aws:iam::111111111111:role/Developer")]
    public async Task FiltersPickTheRoleWithoutAMenu(string[] args, string arn)
    {
        await using var world = await NomfaAsync($"appid: {MultiApp}");
        var run = await world.RunAsync(args, Answer.With(Answer.PasswordPrompt, World.Password));
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.DoesNotContain("Multiple AWS roles", run.StdErr);
        Assert.Equal(arn, AssumedArn(run));
    }

    [Fact]
    public async Task AccountFilterLeavesAMenuOfThatAccountsRoles()
    {
        await using var world = await NomfaAsync($"appid: {MultiApp}");
        var run = await world.RunAsync(["-ac", "111111111111"],
            Answer.With(Answer.PasswordPrompt, World.Password),
            Answer.Pick(@"(?s)Multiple AWS roles found.*Selection: $", "ReadOnly"));
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.DoesNotContain("222222222222", run.StdErr);
        Assert.Equal("arn:aws:iam::111111111111:role/ReadOnly", AssumedArn(run));
    }

    [Fact]
    public async Task NoMatchingRoleListsTheRolesThereAre()
    {
        await using var world = await NomfaAsync($"appid: {MultiApp}", "role: admin");
        var run = await world.RunAsync([], Answer.With(Answer.PasswordPrompt, World.Password));
        Assert.Equal(21, run.ExitCode);
        Assert.Contains("No role matches --role admin", run.StdErr);
        Assert.Contains("222222222222/team/Admin", run.StdErr);
        Assert.False(File.Exists(world.CredentialsPath));
    }

    [Fact]
    public async Task RoleFirstAttributeOrderWorksToo()
    {
        await using var world = await NomfaAsync("appid: 0oa3roleFirstAbC/272", "role: Deployer");
        var run = await world.RunAsync([], Answer.With(Answer.PasswordPrompt, World.Password));
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("arn:aws:iam::222222222222:role/Deployer", AssumedArn(run));
    }

    [Fact]
    public async Task WithoutAnAppIdTheAppsOktaListsAreOfferedAndIdentityCenterIsLeftOut()
    {
        await using var world = await NomfaAsync();
        var run = await world.RunAsync([],
            Answer.With(Answer.PasswordPrompt, World.Password),
            Answer.Pick(@"(?s)Select an AWS account.*Selection: $", "AWS Dev"));
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("No app ID provided; select from available AWS accounts", run.StdErr);
        Assert.Contains("AWS Multi-Account", run.StdErr);
        Assert.DoesNotContain("0oa7identityCntr", run.StdErr);
        Assert.Contains("Using account: AWS Dev / 0oa1dev2AbCdEfGh/272", run.StdErr);
        Assert.Equal("arn:aws:iam::111111111111:role/Developer", AssumedArn(run));
    }

    [Fact]
    public async Task MenusTakeATypedNameAndSayTheFlagsThatSkipThemNextTime()
    {
        await using var world = await DevAndMultiAsync();

        var run = await world.RunAsync([],
            Answer.With(Answer.PasswordPrompt, World.Password),
            Answer.With(@"(?s)Select an AWS account.*Selection: $", "multi"),
            Answer.With(@"(?s)Multiple AWS roles found.*Selection: $", "Nobody"),
            Answer.With(@"(?s)not one of the listed numbers or names.*Selection: $", "TEAM/ADMIN"));
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("Using account: Multi / " + MultiApp, run.StdErr);
        Assert.Equal("arn:aws:iam::222222222222:role/team/Admin", AssumedArn(run));
        var hints = run.StdErr.Split('\n').Where(l => l.Contains("(INFO) Next time: ", StringComparison.Ordinal)).Select(l => l.Split("Next time: ")[1].Trim()).ToList();
        Assert.Equal(["--account Multi", "--role team/Admin"], hints);

        // The flags printed do skip both menus.
        var again = await world.RunAsync(["--account", "Multi", "--role", "team/Admin"], Answer.With(Answer.PasswordPrompt, World.Password));
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.DoesNotContain("Selection:", again.StdErr);
        Assert.DoesNotContain("Next time", again.StdErr);
        Assert.Equal("arn:aws:iam::222222222222:role/team/Admin", AssumedArn(again));
    }

    [Fact]
    public async Task AccountsListInTheConfigGivesAMenuAndAccountPicksByName()
    {
        await using var world = await DevAndMultiAsync();

        var menu = await world.RunAsync([],
            Answer.With(Answer.PasswordPrompt, World.Password),
            Answer.Pick(@"(?s)Select an AWS account.*Selection: $", "Dev"));
        Assert.True(menu.ExitCode == 0, menu.ToString());
        Assert.Contains("Using account: Dev / 0oa1dev2AbCdEfGh/272", menu.StdErr);

        var named = await world.RunAsync(["--account", "Multi", "--role", "Deployer", "-n", "multi"], Answer.With(Answer.PasswordPrompt, World.Password));
        Assert.True(named.ExitCode == 0, named.ToString());
        Assert.DoesNotContain("Select an AWS account", named.StdErr);
        Assert.Equal("arn:aws:iam::222222222222:role/Deployer", AssumedArn(named));
        Assert.NotNull(world.Profile("default"));
        Assert.NotNull(world.Profile("multi"));
    }

    [Fact]
    public async Task MenuShowsAccountAliasesFromTheSigninPageAndAccountMatchesAnAliasInAnyCase()
    {
        await using var world = await NomfaAsync($"appid: {MultiApp}");
        world.Env["KEYMAN_SAML_ACS_URL"] = world.Url + "/saml";
        var menu = await world.RunAsync([],
            Answer.With(Answer.PasswordPrompt, World.Password),
            Answer.Pick(@"(?s)Multiple AWS roles found; please select one.*Selection: $", "Deployer"));
        Assert.True(menu.ExitCode == 0, menu.ToString());
        var rows = menu.StdErr.Split('\n').Where(l => l.StartsWith('[')).Take(4).ToList();
        Assert.Contains("sandbox-dev (111111111111)", rows[0]);
        Assert.Contains("sandbox-prod-account (222222222222)", rows[2]);
        Assert.Contains("sandbox-prod-account (222222222222)", rows[3]);
        Assert.Equal("arn:aws:iam::222222222222:role/Deployer", AssumedArn(menu));

        var named = await world.RunAsync(["--account", "Sandbox-Prod-Account", "--role", "Deployer"], Answer.With(Answer.PasswordPrompt, World.Password));
        Assert.True(named.ExitCode == 0, named.ToString());
        Assert.DoesNotContain("Multiple AWS roles", named.StdErr);
        Assert.Equal("arn:aws:iam::222222222222:role/Deployer", AssumedArn(named));

        var exact = await world.RunAsync(["--account", "sandbox-prod-account", "--role", "Deployer"], Answer.With(Answer.PasswordPrompt, World.Password));
        Assert.True(exact.ExitCode == 0, exact.ToString());
        Assert.Equal("arn:aws:iam::222222222222:role/Deployer", AssumedArn(exact));
    }

    [Fact]
    public async Task WithTheSigninPageUnreachableTheMenuShowsAccountIds()
    {
        await using var world = await NomfaAsync($"appid: {MultiApp}");
        world.Env["KEYMAN_SAML_ACS_URL"] = "http://127.0.0.1:1/saml";
        var run = await world.RunAsync([],
            Answer.With(Answer.PasswordPrompt, World.Password),
            Answer.Pick(@"(?s)Multiple AWS roles found; please select one.*Selection: $", "Deployer"));
        Assert.True(run.ExitCode == 0, run.ToString());
        var rows = run.StdErr.Split('\n').Where(l => l.StartsWith('[')).Take(4).ToList();
        Assert.Equal(4, rows.Count);
        Assert.Contains("222222222222", rows[2]);
        Assert.DoesNotContain("sandbox-prod-account", run.StdErr);
        Assert.Equal("arn:aws:iam::222222222222:role/Deployer", AssumedArn(run));
    }
}
