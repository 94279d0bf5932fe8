using Keyman.Core;
using Keyman.Core.Aws;
using Keyman.Core.Login;

namespace Keyman.Tests.Login;

public sealed class ProfileNameTemplateTests
{
    private const string Provider = "arn:aws:iam::111111111111:saml-provider/Okta";

    private static readonly Dictionary<string, string> Aliases = new() { ["111111111111"] = "acme-prod" };

    private static AwsRole Role(string arn) => new(arn, Provider);

    [Fact]
    public void The_default_is_the_account_alias_or_id_then_the_role_name()
    {
        var template = ProfileNameTemplate.Parse(null);

        Assert.Equal("{account}-{role}", template.Text);
        Assert.Equal("acme-prod-Admin", template.Render(Role("arn:aws:iam::111111111111:role/Admin"), Aliases));
        Assert.Equal("222222222222-Admin", template.Render(Role("arn:aws:iam::222222222222:role/Admin"), Aliases));
    }

    [Fact]
    public void A_role_path_keeps_its_parts_and_characters_unfit_for_a_profile_become_hyphens()
    {
        var template = ProfileNameTemplate.Parse(null);
        var names = new Dictionary<string, string> { ["111111111111"] = "My Prod [EU]" };

        Assert.Equal("My-Prod--EU--team-Admin", template.Render(Role("arn:aws:iam::111111111111:role/team/Admin"), names));
        Assert.Equal("acme-prod-ci-deploy-bot", template.Render(Role("arn:aws:iam::111111111111:role/ci+deploy@bot"), Aliases));
    }

    [Fact]
    public void A_template_may_use_the_account_id_and_text_around_the_placeholders()
    {
        var template = ProfileNameTemplate.Parse("okta_{account_id}.{role}");

        Assert.Equal("okta_111111111111.Admin", template.Render(Role("arn:aws:iam::111111111111:role/Admin"), Aliases));
    }

    [Theory]
    [InlineData("{account}", "lacks {role}")]
    [InlineData("{account}-{rol}", "names {rol}, which is not one of")]
    [InlineData("{account-{role}", "names {account-{role}, which is not one of")]
    [InlineData("{role", "without its '}'")]
    [InlineData("role}", "without its '{'")]
    [InlineData("{account} {role}", "holds ' '")]
    [InlineData("[{role}]", "holds '['")]
    [InlineData("", "is empty")]
    public void A_wrong_template_is_a_usage_error_that_says_what_is_wrong(string text, string problem)
    {
        var ex = Assert.Throws<KeymanException>(() => ProfileNameTemplate.Parse(text));

        Assert.Equal(ExitCodes.Usage, ex.ExitCode);
        Assert.Contains(problem, ex.Message, StringComparison.Ordinal);
        Assert.Contains("--profile-template '{account}-{role}'", ex.Hint, StringComparison.Ordinal);
        Assert.Contains("{role} is required", ex.Hint, StringComparison.Ordinal); // the fix states the rule
        Assert.Equal(ProfileNameTemplate.Problem(text), ex.Message[$"--profile-template '{text}' ".Length..]);
    }
}
