using Keyman.Core;
using Keyman.Core.Aws;
using Keyman.Tests.Support;
using static Keyman.Tests.Aws.SamlFixtures;

namespace Keyman.Tests.Aws;

public class SamlAssertionTests
{
    [Fact]
    public void Parses_provider_first_values_with_prefixes()
    {
        var b64 = Base64(Prefixed($"{Provider1},arn:aws:iam::123456789012:role/Dev"));

        var saml = SamlAssertion.Parse(b64);

        var role = Assert.Single(saml.Roles);
        Assert.Equal("arn:aws:iam::123456789012:role/Dev", role.RoleArn);
        Assert.Equal(Provider1, role.PrincipalArn);
        Assert.Equal(3600, saml.SessionDuration);
        Assert.Equal("jane@example.com", saml.RoleSessionName);
        Assert.Equal(b64, saml.Base64);
        // The earlier of SubjectConfirmationData (14:35) and Conditions (14:40).
        Assert.Equal(new DateTimeOffset(2025, 8, 22, 14, 35, 0, TimeSpan.Zero), saml.NotOnOrAfter);
    }

    [Fact]
    public void Parses_role_first_values_in_default_namespace()
    {
        var saml = SamlAssertion.Parse(Base64(DefaultNamespace(
            $"arn:aws:iam::123456789012:role/Dev, {Provider1}",
            $"{Provider1},arn:aws:iam::123456789012:role/Admin")));

        Assert.Equal(["Dev", "Admin"], saml.Roles.Select(r => r.RoleName));
        Assert.All(saml.Roles, r => Assert.Equal(Provider1, r.PrincipalArn));
        Assert.Null(saml.SessionDuration);
        Assert.Equal(new DateTimeOffset(2012, 1, 1, 12, 5, 0, TimeSpan.Zero), saml.NotOnOrAfter);
    }

    [Fact]
    public void Reads_every_role_attribute_across_accounts_and_keeps_paths()
    {
        var saml = SamlAssertion.Parse(Base64(Prefixed(
        [
            [$"{Provider1},arn:aws:iam::123456789012:role/Dev", $"{Provider1},arn:aws:iam::123456789012:role/team/Admin"],
            [$"{Provider2},arn:aws:iam::210987654321:role/ReadOnly"],
        ])));

        Assert.Equal(
            ["123456789012/Dev", "123456789012/team/Admin", "210987654321/ReadOnly"],
            saml.Roles.Select(r => r.Display));
        Assert.Equal(Provider2, saml.Roles[2].PrincipalArn);
    }

    [Fact]
    public void Tolerates_whitespace_in_base64_and_strips_it_for_sts()
    {
        var b64 = Base64(Prefixed($"{Provider1},arn:aws:iam::123456789012:role/Dev"));
        var wrapped = string.Join("\r\n", b64.Chunk(76).Select(c => new string(c))) + "\n";

        var saml = SamlAssertion.Parse(wrapped);

        Assert.Equal(b64, saml.Base64);
        Assert.Single(saml.Roles);
    }

    [Fact]
    public void Skips_malformed_values_with_a_debug_reason()
    {
        var log = new RecordingLog();
        var saml = SamlAssertion.Parse(Base64(Prefixed(
            $"{Provider1},arn:aws:iam::123456789012:role/Dev",
            "arn:aws:iam::123456789012:role/OnlyRole",
            $"{Provider1},{Provider1}",
            $"{Provider1},arn:aws:iam::123456789012:role/A,arn:aws:iam::123456789012:role/B")), log);

        Assert.Equal("Dev", Assert.Single(saml.Roles).RoleName);
        Assert.Equal(3, log.Lines.Count(l => l.Level == "DEBUG" && l.Message.StartsWith("Skipping Role attribute value", StringComparison.Ordinal)));
    }

    [Fact]
    public void Duplicate_roles_appear_once()
    {
        var saml = SamlAssertion.Parse(Base64(Prefixed(
        [
            [$"{Provider1},arn:aws:iam::123456789012:role/Dev"],
            [$"arn:aws:iam::123456789012:role/Dev,{Provider1}"],
        ])));

        Assert.Single(saml.Roles);
    }

    [Fact]
    public void Non_integer_session_duration_is_ignored()
    {
        var saml = SamlAssertion.Parse(Base64(Prefixed([[$"{Provider1},arn:aws:iam::123456789012:role/Dev"]], sessionDuration: "1h")));

        Assert.Null(saml.SessionDuration);
    }

    [Fact]
    public void Attribute_in_another_namespace_does_not_count()
    {
        var xml = Prefixed($"{Provider1},arn:aws:iam::123456789012:role/Dev")
            .Replace("urn:oasis:names:tc:SAML:2.0:assertion", "urn:example:not-saml", StringComparison.Ordinal);

        var ex = Assert.Throws<KeymanException>(() => SamlAssertion.Parse(Base64(xml)));
        Assert.Equal(ExitCodes.Saml, ex.ExitCode);
    }

    [Fact]
    public void No_role_attribute_explains_the_okta_assignment_and_the_sso_app()
    {
        var ex = Assert.Throws<KeymanException>(() => SamlAssertion.Parse(Base64(Prefixed(Array.Empty<IEnumerable<string>>()))));

        Assert.Equal(ExitCodes.Saml, ex.ExitCode);
        Assert.Equal("The SAML assertion from Okta holds no AWS role", ex.Message);
        Assert.Contains("amazon_aws_sso", ex.Hint, StringComparison.Ordinal);
        Assert.Contains("AWS Account Federation", ex.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public void Role_attribute_with_only_bad_values_is_an_error()
    {
        var ex = Assert.Throws<KeymanException>(() => SamlAssertion.Parse(Base64(Prefixed("garbage"))));

        Assert.Equal(ExitCodes.Saml, ex.ExitCode);
    }

    [Fact]
    public void Doctype_is_refused_without_resolving_entities()
    {
        var secretFile = Path.Combine(Path.GetTempPath(), $"keyman-xxe-{Guid.NewGuid():N}.txt");
        File.WriteAllText(secretFile, "TOP-SECRET-CONTENT");
        try
        {
            var xml = $"""
                <?xml version="1.0"?>
                <!DOCTYPE r [<!ENTITY xxe SYSTEM "file://{secretFile}">]>
                <saml2p:Response xmlns:saml2p="urn:oasis:names:tc:SAML:2.0:protocol"><saml2:Assertion xmlns:saml2="urn:oasis:names:tc:SAML:2.0:assertion"><saml2:AttributeStatement>
                <saml2:Attribute Name="https://aws.amazon.com/SAML/Attributes/Role"><saml2:AttributeValue>&xxe;</saml2:AttributeValue></saml2:Attribute>
                </saml2:AttributeStatement></saml2:Assertion></saml2p:Response>
                """;

            var ex = Assert.Throws<KeymanException>(() => SamlAssertion.Parse(Base64(xml)));

            Assert.Equal(ExitCodes.Saml, ex.ExitCode);
            Assert.Contains("DOCTYPE", ex.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("TOP-SECRET", ex.Message + ex.Hint, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(secretFile);
        }
    }

    [Fact]
    public void Entity_expansion_bomb_is_refused()
    {
        var xml = """<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><r>&lol2;</r>""";

        var ex = Assert.Throws<KeymanException>(() => SamlAssertion.Parse(Base64(xml)));

        Assert.Equal(ExitCodes.Saml, ex.ExitCode);
        Assert.Contains("DOCTYPE", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not base64 at all!")]
    [InlineData("abc")]
    public void Bad_base64_is_a_saml_error(string input)
    {
        var ex = Assert.Throws<KeymanException>(() => SamlAssertion.Parse(input));

        Assert.Equal(ExitCodes.Saml, ex.ExitCode);
        Assert.Contains("base64", ex.Message, StringComparison.Ordinal);
        Assert.NotNull(ex.Hint);
    }

    [Theory]
    [InlineData("<html><body>Sign in</body>")]
    [InlineData("just text")]
    [InlineData("<a><b></a>")]
    public void Garbage_xml_is_a_saml_error(string text)
    {
        var ex = Assert.Throws<KeymanException>(() => SamlAssertion.Parse(Base64(text)));

        Assert.Equal(ExitCodes.Saml, ex.ExitCode);
        Assert.Contains("not valid XML", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Empty_input_is_a_saml_error()
    {
        Assert.Equal(ExitCodes.Saml, Assert.Throws<KeymanException>(() => SamlAssertion.Parse("  ")).ExitCode);
    }

    [Fact]
    public void ToString_does_not_show_the_assertion()
    {
        var b64 = Base64(Prefixed($"{Provider1},arn:aws:iam::123456789012:role/Dev"));

        var text = SamlAssertion.Parse(b64).ToString();

        Assert.DoesNotContain(b64[..40], text, StringComparison.Ordinal);
        Assert.Contains("Roles = 1", text, StringComparison.Ordinal);
    }
}
