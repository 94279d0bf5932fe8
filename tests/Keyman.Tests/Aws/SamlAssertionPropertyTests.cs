using System.Text;
using CsCheck;
using Keyman.Core;
using Keyman.Core.Aws;

namespace Keyman.Tests.Aws;

/// <summary>The SAML reader over generated assertions, generated near-SAML documents and arbitrary text.</summary>
public class SamlAssertionPropertyTests
{
    private static readonly Gen<string> Account = Gen.Char['0', '9'].Array[12].Select(a => new string(a));

    private static readonly Gen<string> RoleName = Gen.Char["ABCdev-_+=.@/"].Array[1, 12].Select(a => new string(a)).Where(n => !n.StartsWith('/'));

    private static readonly Gen<AwsRole> Role = Gen.Select(Account, RoleName, Gen.OneOf("Okta", "okta-prod"),
        (account, name, provider) => new AwsRole($"arn:aws:iam::{account}:role/{name}", $"arn:aws:iam::{account}:saml-provider/{provider}"));

    /// <summary>One AttributeValue as Okta writes it: either order, maybe padded with whitespace.</summary>
    private static readonly Gen<(AwsRole Role, string Value)> RoleValue = Gen.Select(Role, Gen.Bool, Gen.OneOf("", " ", "\n  "),
        (role, providerFirst, pad) => (role, pad + (providerFirst ? $"{role.PrincipalArn},{role.RoleArn}" : $"{role.RoleArn},{role.PrincipalArn}") + pad));

    private static string Document(IEnumerable<IEnumerable<string>> roleAttributes) => $"""
        <saml2p:Response xmlns:saml2p="urn:oasis:names:tc:SAML:2.0:protocol"><saml2:Assertion xmlns:saml2="urn:oasis:names:tc:SAML:2.0:assertion">
        <saml2:AttributeStatement>{string.Concat(roleAttributes.Select(values =>
            $"""<saml2:Attribute Name="{SamlAssertion.RoleAttribute}">{string.Concat(values.Select(v => $"<saml2:AttributeValue>{v}</saml2:AttributeValue>"))}</saml2:Attribute>"""))}
        </saml2:AttributeStatement></saml2:Assertion></saml2p:Response>
        """;

    private static string Base64(string xml) => Convert.ToBase64String(Encoding.UTF8.GetBytes(xml));

    private static void ParsesOrRefuses(string base64)
    {
        try
        {
            var assertion = SamlAssertion.Parse(base64);
            Assert.NotEmpty(assertion.Roles);
            Assert.DoesNotContain(assertion.Base64, assertion.ToString(), StringComparison.Ordinal);
        }
        catch (KeymanException e)
        {
            Assert.Equal(ExitCodes.Saml, e.ExitCode);
        }
    }

    [Fact]
    public void Property_every_role_of_every_attribute_is_read_in_order_without_duplicates()
    {
        RoleValue.Array[1, 4].Array[1, 3].Sample(attributes =>
        {
            var assertion = SamlAssertion.Parse(Base64(Document(attributes.Select(a => a.Select(v => v.Value)))));

            Assert.Equal(attributes.SelectMany(a => a.Select(v => v.Role)).Distinct(), assertion.Roles);
        }, iter: 500);
    }

    private static readonly Gen<string> Fragment = Gen.Frequency(
        (5, RoleValue.Select(v => v.Value)),
        (3, Gen.OneOf("<saml2:AttributeValue>", "</saml2:AttributeValue>", $"<saml2:Attribute Name=\"{SamlAssertion.RoleAttribute}\">",
            $"<saml2:Attribute Name=\"{SamlAssertion.SessionDurationAttribute}\">", "</saml2:Attribute>", "<saml2:Conditions NotOnOrAfter=\"2025-13-45T99:00:00Z\"/>",
            "<saml2:SubjectConfirmationData NotOnOrAfter=\"9999-12-31T23:59:59Z\"/>", "<AttributeValue>", "</AttributeValue>")),
        (2, Gen.OneOf(",", "arn:aws:iam::123456789012:role/", ":saml-provider/", "arn:", "43200", "-1", "99999999999", " ")),
        (1, Gen.OneOf("<!DOCTYPE x [<!ENTITY e \"e\">]>", "&e;", "&#0;", "&#x10FFFF;", "<?pi x?>", "<![CDATA[", "]]>", "<", "&", "\u0000", "\uFFFE", "xmlns:saml2=\"x\"")));

    [Fact]
    public void Property_any_near_saml_document_is_read_or_refused_with_the_saml_exit_code()
    {
        Fragment.Array[0, 20].Sample(fragments =>
        {
            ParsesOrRefuses(Base64(Document([fragments])));
            ParsesOrRefuses(Base64(string.Concat(fragments)));
        }, iter: 1000);
    }

    [Fact]
    public void Property_any_text_as_the_form_value_is_read_or_refused_with_the_saml_exit_code()
    {
        Gen.OneOf(Gen.String[0, 80], Gen.Char["ABCabc019+/= \n="].Array[0, 80].Select(a => new string(a))).Sample(ParsesOrRefuses, iter: 3000);
    }
}
