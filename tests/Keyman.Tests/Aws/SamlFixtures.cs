using System.Text;

namespace Keyman.Tests.Aws;

/// <summary>Builds SAML responses shaped like Okta's (prefixed) or moto's (default namespace).</summary>
internal static class SamlFixtures
{
    public const string Provider1 = "arn:aws:iam::123456789012:saml-provider/Okta";
    public const string Provider2 = "arn:aws:iam::210987654321:saml-provider/Okta";

    public static string Base64(string xml) => Convert.ToBase64String(Encoding.UTF8.GetBytes(xml));

    /// <summary>Okta style: saml2p:/saml2: prefixes, xsi:type on values, each inner list one Role attribute.</summary>
    public static string Prefixed(IEnumerable<IEnumerable<string>> roleAttributes, string? sessionDuration = "3600", string sessionName = "jane@example.com")
    {
        var attributes = new StringBuilder();
        attributes.Append($"""<saml2:Attribute Name="https://aws.amazon.com/SAML/Attributes/RoleSessionName" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:uri"><saml2:AttributeValue xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="xs:string">{sessionName}</saml2:AttributeValue></saml2:Attribute>""");
        foreach (var values in roleAttributes)
        {
            attributes.Append("""<saml2:Attribute Name="https://aws.amazon.com/SAML/Attributes/Role" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:uri">""");
            foreach (var value in values)
            {
                attributes.Append($"""<saml2:AttributeValue xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="xs:string">{value}</saml2:AttributeValue>""");
            }

            attributes.Append("</saml2:Attribute>");
        }

        if (sessionDuration is not null)
        {
            attributes.Append($"""<saml2:Attribute Name="https://aws.amazon.com/SAML/Attributes/SessionDuration"><saml2:AttributeValue>{sessionDuration}</saml2:AttributeValue></saml2:Attribute>""");
        }

        return $"""
            <?xml version="1.0" encoding="UTF-8"?>
            <saml2p:Response xmlns:saml2p="urn:oasis:names:tc:SAML:2.0:protocol" Destination="https://signin.aws.amazon.com/saml" ID="id1" IssueInstant="2025-08-22T14:30:00.000Z" Version="2.0">
              <saml2:Issuer xmlns:saml2="urn:oasis:names:tc:SAML:2.0:assertion">http://www.okta.com/exk1</saml2:Issuer>
              <saml2p:Status><saml2p:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></saml2p:Status>
              <saml2:Assertion xmlns:saml2="urn:oasis:names:tc:SAML:2.0:assertion" ID="id2" IssueInstant="2025-08-22T14:30:00.000Z" Version="2.0">
                <saml2:Issuer>http://www.okta.com/exk1</saml2:Issuer>
                <saml2:Subject>
                  <saml2:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified">jane@example.com</saml2:NameID>
                  <saml2:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml2:SubjectConfirmationData NotOnOrAfter="2025-08-22T14:35:00.000Z" Recipient="https://signin.aws.amazon.com/saml"/></saml2:SubjectConfirmation>
                </saml2:Subject>
                <saml2:Conditions NotBefore="2025-08-22T14:25:00.000Z" NotOnOrAfter="2025-08-22T14:40:00.000Z"><saml2:AudienceRestriction><saml2:Audience>urn:amazon:webservices</saml2:Audience></saml2:AudienceRestriction></saml2:Conditions>
                <saml2:AttributeStatement>{attributes}</saml2:AttributeStatement>
              </saml2:Assertion>
            </saml2p:Response>
            """;
    }

    public static string Prefixed(params string[] roleValues) => Prefixed([roleValues]);

    /// <summary>moto style: default namespace on Assertion, role first is allowed too.</summary>
    public static string DefaultNamespace(params string[] roleValues)
    {
        var values = string.Concat(roleValues.Select(v => $"<AttributeValue>{v}</AttributeValue>"));
        return $"""
            <samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_1" Version="2.0" IssueInstant="2012-01-01T12:00:00.000Z" Destination="https://signin.aws.amazon.com/saml">
             <Issuer xmlns="urn:oasis:names:tc:SAML:2.0:assertion">http://www.okta.com/exk</Issuer>
             <samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>
             <Assertion xmlns="urn:oasis:names:tc:SAML:2.0:assertion" ID="_2" IssueInstant="2012-01-01T12:00:00.000Z" Version="2.0">
              <Issuer>http://www.okta.com/exk</Issuer>
              <Subject><NameID>jane@example.com</NameID>
               <SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><SubjectConfirmationData NotOnOrAfter="2012-01-01T12:05:00Z" Recipient="https://signin.aws.amazon.com/saml"/></SubjectConfirmation></Subject>
              <AttributeStatement>
               <Attribute Name="https://aws.amazon.com/SAML/Attributes/RoleSessionName"><AttributeValue>jane@example.com</AttributeValue></Attribute>
               <Attribute Name="https://aws.amazon.com/SAML/Attributes/Role">{values}</Attribute>
              </AttributeStatement>
             </Assertion></samlp:Response>
            """;
    }
}
