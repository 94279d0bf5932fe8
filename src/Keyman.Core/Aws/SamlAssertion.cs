using System.Globalization;
using System.Xml;
using System.Xml.Linq;
using Keyman.Core.Http;
using Keyman.Core.Ui;

namespace Keyman.Core.Aws;

/// <summary>
/// The SAML response Okta hands out for the AWS app, reduced to what Keyman needs: the roles it grants and their limits.
/// The signature is not checked here; AWS STS checks it when the assertion is redeemed.
/// <see cref="ToString"/> never shows the assertion itself (it is a bearer credential for a few minutes).
/// </summary>
public sealed class SamlAssertion
{
    public const string AssertionNamespace = "urn:oasis:names:tc:SAML:2.0:assertion";
    public const string RoleAttribute = "https://aws.amazon.com/SAML/Attributes/Role";
    public const string RoleSessionNameAttribute = "https://aws.amazon.com/SAML/Attributes/RoleSessionName";
    public const string SessionDurationAttribute = "https://aws.amazon.com/SAML/Attributes/SessionDuration";

    private const int MaxDocumentChars = 4 * 1024 * 1024;

    private static readonly XNamespace Saml = AssertionNamespace;

    private SamlAssertion(string base64, IReadOnlyList<AwsRole> roles, string? roleSessionName, int? sessionDuration, DateTimeOffset? notOnOrAfter)
    {
        Base64 = base64;
        Roles = roles;
        RoleSessionName = roleSessionName;
        SessionDuration = sessionDuration;
        NotOnOrAfter = notOnOrAfter;
    }

    /// <summary>The assertion as Okta gave it (whitespace removed), to pass to STS unchanged. A secret: never log it.</summary>
    public string Base64 { get; }

    /// <summary>Every role from every Role attribute, in document order, duplicates removed.</summary>
    public IReadOnlyList<AwsRole> Roles { get; }

    public string? RoleSessionName { get; }

    /// <summary>The SessionDuration attribute in seconds; STS caps the credentials' lifetime at it.</summary>
    public int? SessionDuration { get; }

    /// <summary>The earliest NotOnOrAfter of Conditions and SubjectConfirmationData: STS refuses the assertion after it.</summary>
    public DateTimeOffset? NotOnOrAfter { get; }

    public override string ToString() =>
        $"SamlAssertion {{ Roles = {Roles.Count}, RoleSessionName = {RoleSessionName}, SessionDuration = {SessionDuration}, NotOnOrAfter = {NotOnOrAfter:O} }}";

    /// <summary>Decodes and reads a base64 SAMLResponse. DTDs are refused, so no entity expansion or external fetch can happen.</summary>
    /// <exception cref="KeymanException">ExitCodes.Saml when the text is not a SAML response holding at least one AWS role.</exception>
    public static SamlAssertion Parse(string base64, ILog? log = null)
    {
        ArgumentNullException.ThrowIfNull(base64);
        var compact = string.Concat(base64.Where(c => !char.IsWhiteSpace(c)));
        if (compact.Length == 0)
        {
            throw new KeymanException(ExitCodes.Saml, "Okta returned an empty SAML assertion",
                "Your Okta session may have ended; log in again. If it persists, check that you are assigned to the AWS app in Okta.");
        }

        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(compact);
        }
        catch (FormatException)
        {
            throw new KeymanException(ExitCodes.Saml, "The SAML assertion from Okta is not valid base64",
                "Check that the Okta app ID points to an AWS app (SAML 2.0); run with --debug to see the Okta responses.");
        }

        var document = Load(bytes);
        var roles = new List<AwsRole>();
        var roleAttributes = Attributes(document, RoleAttribute).ToList();
        foreach (var attribute in roleAttributes)
        {
            foreach (var value in attribute.Elements(Saml + "AttributeValue"))
            {
                var role = ParseRoleValue(value.Value, log);
                if (role is not null && !roles.Contains(role))
                {
                    roles.Add(role);
                }
            }
        }

        if (roles.Count == 0)
        {
            var message = roleAttributes.Count == 0
                ? "The SAML assertion from Okta holds no AWS role"
                : "The SAML assertion from Okta holds no usable AWS role";
            throw new KeymanException(ExitCodes.Saml, message,
                "Ask your Okta admin to assign you a role in the AWS app. If the app is 'AWS IAM Identity Center' (amazon_aws_sso), "
                + "Keyman needs the 'AWS Account Federation' app instead.");
        }

        var sessionName = FirstValue(document, RoleSessionNameAttribute);
        int? duration = null;
        var durationText = FirstValue(document, SessionDurationAttribute);
        if (durationText is not null)
        {
            if (int.TryParse(durationText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds))
            {
                duration = seconds;
            }
            else
            {
                log?.Debug($"Ignoring SessionDuration '{durationText}': not an integer");
            }
        }

        DateTimeOffset? notOnOrAfter = null;
        foreach (var element in document.Descendants(Saml + "Conditions").Concat(document.Descendants(Saml + "SubjectConfirmationData")))
        {
            var text = (string?)element.Attribute("NotOnOrAfter");
            if (text is not null
                && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at)
                && (notOnOrAfter is null || at < notOnOrAfter))
            {
                notOnOrAfter = at;
            }
        }

        return new SamlAssertion(compact, roles, sessionName, duration, notOnOrAfter);
    }

    private static XDocument Load(byte[] bytes)
    {
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            MaxCharactersInDocument = MaxDocumentChars,
            MaxCharactersFromEntities = 0,
            IgnoreProcessingInstructions = true,
        };
        try
        {
            // First a forward-only pass for the depth (linear, no tree), then the tree.
            using (var stream = new MemoryStream(bytes, writable: false))
            using (var reader = XmlReader.Create(stream, settings))
            {
                while (reader.Read())
                {
                    if (reader.Depth > MarkupLimits.MaxXmlDepth)
                    {
                        throw new KeymanException(ExitCodes.Saml, $"The SAML assertion from Okta nests deeper than {MarkupLimits.MaxXmlDepth} levels; Keyman does not parse it",
                            "A genuine Okta SAML response nests a few levels; check the Okta URL and any proxy in between.");
                    }
                }
            }

            using var again = new MemoryStream(bytes, writable: false);
            using var treeReader = XmlReader.Create(again, settings);
            return XDocument.Load(treeReader);
        }
        catch (XmlException ex) when (ex.Message.Contains("DTD", StringComparison.OrdinalIgnoreCase))
        {
            throw new KeymanException(ExitCodes.Saml, "The SAML assertion from Okta contains a DOCTYPE, which Keyman refuses",
                "A genuine Okta SAML response never has one; check the Okta URL and any proxy in between.", ex);
        }
        catch (XmlException ex)
        {
            // XmlException messages quote positions, not content, so the line and column are safe to show.
            throw new KeymanException(ExitCodes.Saml, $"The SAML assertion from Okta is not valid XML (line {ex.LineNumber}, position {ex.LinePosition})",
                "Check that the Okta app ID points to an AWS app (SAML 2.0); run with --debug to see the Okta responses.", ex);
        }
    }

    private static IEnumerable<XElement> Attributes(XDocument document, string name) =>
        document.Descendants(Saml + "Attribute").Where(a => string.Equals((string?)a.Attribute("Name"), name, StringComparison.Ordinal));

    private static string? FirstValue(XDocument document, string attributeName) =>
        Attributes(document, attributeName).Elements(Saml + "AttributeValue").Select(v => v.Value.Trim()).FirstOrDefault(v => v.Length > 0);

    private static AwsRole? ParseRoleValue(string value, ILog? log)
    {
        var parts = value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var providers = parts.Where(p => p.Contains(":saml-provider/", StringComparison.Ordinal)).ToList();
        var roles = parts.Where(p => p.Contains(":role/", StringComparison.Ordinal)).ToList();
        if (parts.Length != 2 || providers.Count != 1 || roles.Count != 1)
        {
            log?.Debug($"Skipping Role attribute value '{value.Trim()}': expected one role ARN and one saml-provider ARN separated by ','");
            return null;
        }

        var role = new AwsRole(roles[0], providers[0]);
        if (!role.RoleArn.StartsWith("arn:", StringComparison.Ordinal) || role.AccountId.Length == 0 || role.RoleName.Length == 0)
        {
            log?.Debug($"Skipping Role attribute value '{value.Trim()}': the role ARN is malformed");
            return null;
        }

        return role;
    }
}
