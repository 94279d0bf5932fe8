using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Keyman.Sandbox.Hosting;
using Keyman.Sandbox.Scenario;

namespace Keyman.Sandbox.Okta;

/// <summary>Builds the SAML 2.0 Response Okta's AWS app posts to the AWS ACS, and records it for STS.</summary>
internal static class SamlResponseBuilder
{
    private static readonly XNamespace Protocol = "urn:oasis:names:tc:SAML:2.0:protocol";
    private static readonly XNamespace Assertion = "urn:oasis:names:tc:SAML:2.0:assertion";
    private static readonly XNamespace Xsi = "http://www.w3.org/2001/XMLSchema-instance";
    private static readonly XNamespace Xs = "http://www.w3.org/2001/XMLSchema";

    public const string RoleAttribute = "https://aws.amazon.com/SAML/Attributes/Role";
    public const string RoleSessionNameAttribute = "https://aws.amazon.com/SAML/Attributes/RoleSessionName";
    public const string SessionDurationAttribute = "https://aws.amazon.com/SAML/Attributes/SessionDuration";

    /// <summary>Returns the base64 SAMLResponse; caller holds the state lock.</summary>
    public static string Issue(SandboxState state, ScenarioApp app, UserRuntime user)
    {
        var now = state.Now;
        var notOnOrAfter = now.AddSeconds(state.Settings.AssertionLifetimeSeconds);
        var responseId = RandomTokens.SamlId();
        var assertionId = RandomTokens.SamlId();
        var issuer = state.Settings.SamlIssuer;
        var login = user.Definition.Login;
        var roleSessionName = app.RoleSessionName.Replace("{login}", login, StringComparison.Ordinal);

        var attributes = new XElement(Assertion + "AttributeStatement");
        if (app.Roles.Count > 0)
        {
            var roleFirst = app.RoleOrder.Trim().StartsWith("role", StringComparison.OrdinalIgnoreCase);
            attributes.Add(Attribute(RoleAttribute, app.Roles.Select(r => roleFirst ? $"{r.RoleArn},{r.PrincipalArn}" : $"{r.PrincipalArn},{r.RoleArn}")));
        }

        attributes.Add(Attribute(RoleSessionNameAttribute, [roleSessionName]));
        if (app.SessionDuration is { } duration)
        {
            attributes.Add(Attribute(SessionDurationAttribute, [duration.ToString(CultureInfo.InvariantCulture)]));
        }

        var response = new XElement(Protocol + "Response",
            new XAttribute(XNamespace.Xmlns + "saml2p", Protocol),
            new XAttribute("Destination", app.AcsUrl),
            new XAttribute("ID", responseId),
            new XAttribute("IssueInstant", Instant(now)),
            new XAttribute("Version", "2.0"),
            new XAttribute(XNamespace.Xmlns + "xs", Xs),
            new XElement(Assertion + "Issuer",
                new XAttribute(XNamespace.Xmlns + "saml2", Assertion),
                new XAttribute("Format", "urn:oasis:names:tc:SAML:2.0:nameid-format:entity"),
                issuer),
            new XElement(Protocol + "Status",
                new XElement(Protocol + "StatusCode", new XAttribute("Value", "urn:oasis:names:tc:SAML:2.0:status:Success"))),
            new XElement(Assertion + "Assertion",
                new XAttribute(XNamespace.Xmlns + "saml2", Assertion),
                new XAttribute("ID", assertionId),
                new XAttribute("IssueInstant", Instant(now)),
                new XAttribute("Version", "2.0"),
                new XAttribute(XNamespace.Xmlns + "xs", Xs),
                new XElement(Assertion + "Issuer",
                    new XAttribute("Format", "urn:oasis:names:tc:SAML:2.0:nameid-format:entity"), issuer),
                new XElement(Assertion + "Subject",
                    new XElement(Assertion + "NameID",
                        new XAttribute("Format", "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified"), login),
                    new XElement(Assertion + "SubjectConfirmation",
                        new XAttribute("Method", "urn:oasis:names:tc:SAML:2.0:cm:bearer"),
                        new XElement(Assertion + "SubjectConfirmationData",
                            new XAttribute("NotOnOrAfter", Instant(notOnOrAfter)),
                            new XAttribute("Recipient", app.AcsUrl)))),
                new XElement(Assertion + "Conditions",
                    new XAttribute("NotBefore", Instant(now.AddMinutes(-5))),
                    new XAttribute("NotOnOrAfter", Instant(notOnOrAfter)),
                    new XElement(Assertion + "AudienceRestriction",
                        new XElement(Assertion + "Audience", "urn:amazon:webservices"))),
                new XElement(Assertion + "AuthnStatement",
                    new XAttribute("AuthnInstant", Instant(now)),
                    new XAttribute("SessionIndex", assertionId),
                    new XElement(Assertion + "AuthnContext",
                        new XElement(Assertion + "AuthnContextClassRef",
                            "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"))),
                attributes));

        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>" + response.ToString(SaveOptions.DisableFormatting);
        var bytes = Encoding.UTF8.GetBytes(xml);
        state.Assertions[Fingerprint(bytes)] = new IssuedAssertion(
            responseId, login, app.AppInstanceId, app.AcsUrl, issuer, [.. app.Roles], app.SessionDuration, roleSessionName, now);
        return Convert.ToBase64String(bytes);
    }

    /// <summary>Identity of an issued response: any change to the XML yields an unknown (forged) one.</summary>
    public static string Fingerprint(byte[] xml) => Convert.ToHexString(SHA256.HashData(xml));

    private static XElement Attribute(string name, IEnumerable<string> values) =>
        new(Assertion + "Attribute",
            new XAttribute("Name", name),
            new XAttribute("NameFormat", "urn:oasis:names:tc:SAML:2.0:attrname-format:uri"),
            values.Select(v => new XElement(Assertion + "AttributeValue",
                new XAttribute(XNamespace.Xmlns + "xsi", Xsi),
                new XAttribute(Xsi + "type", "xs:string"),
                v)));

    private static string Instant(DateTimeOffset t) =>
        t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
