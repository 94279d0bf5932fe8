using Keyman.Core;
using Keyman.Core.Aws;

namespace Keyman.Tests.Aws;

public class RoleSelectionTests
{
    private static AwsRole R(string account, string name) =>
        new($"arn:aws:iam::{account}:role/{name}", $"arn:aws:iam::{account}:saml-provider/Okta");

    private static readonly AwsRole[] Roles =
    [
        R("222222222222", "Dev"),
        R("111111111111", "ReadOnly"),
        R("111111111111", "Admin"),
        R("222222222222", "team/Admin"),
        R("111111111111", "admin"),
    ];

    private static readonly Dictionary<string, string> Names = new() { ["111111111111"] = "prod", ["222222222222"] = "staging" };

    [Fact]
    public void Sorts_by_account_then_role_name_ordinal()
    {
        Assert.Equal(
            ["111111111111/Admin", "111111111111/ReadOnly", "111111111111/admin", "222222222222/Dev", "222222222222/team/Admin"],
            RoleSelection.Sort(Roles).Select(r => r.Display));
    }

    [Fact]
    public void No_filters_returns_all_sorted()
    {
        Assert.Equal(5, RoleSelection.Filter(Roles, null, null).Count);
        Assert.Equal("111111111111/Admin", RoleSelection.Filter(Roles, "", "")[0].Display);
    }

    [Fact]
    public void Account_matches_id_or_friendly_name()
    {
        Assert.Equal(3, RoleSelection.Filter(Roles, "111111111111", null).Count);
        Assert.Equal(2, RoleSelection.Filter(Roles, "Staging", null, Names).Count);
    }

    [Fact]
    public void Role_matches_full_name_last_segment_or_arn_case_sensitively()
    {
        Assert.Equal(["111111111111/Admin", "222222222222/team/Admin"], RoleSelection.Filter(Roles, null, "Admin").Select(r => r.Display));
        Assert.Equal(["222222222222/team/Admin"], RoleSelection.Filter(Roles, null, "team/Admin").Select(r => r.Display));
        Assert.Equal(["111111111111/admin"], RoleSelection.Filter(Roles, null, "admin").Select(r => r.Display));
        Assert.Equal(["222222222222/Dev"], RoleSelection.Filter(Roles, null, "arn:aws:iam::222222222222:role/Dev").Select(r => r.Display));
        Assert.Equal(["222222222222/team/Admin"], RoleSelection.Filter(Roles, "staging", "Admin", Names).Select(r => r.Display));
    }

    [Fact]
    public void No_match_lists_the_available_roles()
    {
        var ex = Assert.Throws<KeymanException>(() => RoleSelection.Filter(Roles, "333333333333", "Dev"));

        Assert.Equal(ExitCodes.NoMatchingRole, ex.ExitCode);
        Assert.Equal("No role matches --account 333333333333 --role Dev", ex.Message);
        Assert.Contains("111111111111/Admin, 111111111111/ReadOnly", ex.Hint, StringComparison.Ordinal);
        Assert.Contains("case-sensitive", ex.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public void No_match_for_role_only_names_only_the_role()
    {
        var ex = Assert.Throws<KeymanException>(() => RoleSelection.Filter(Roles, null, "DEV"));

        Assert.Equal("No role matches --role DEV", ex.Message);
    }
}
