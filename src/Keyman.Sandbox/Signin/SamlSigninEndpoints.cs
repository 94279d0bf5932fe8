using System.Net;
using System.Text;
using Keyman.Sandbox.Hosting;
using Keyman.Sandbox.Okta;
using Microsoft.AspNetCore.WebUtilities;

namespace Keyman.Sandbox.Signin;

/// <summary>
/// AWS's SAML sign-in page (signin.aws.amazon.com/saml, the ACS URL): POSTed an assertion with roles in several
/// accounts, it shows a role picker with one <c>div.saml-account-name</c> "Account: NAME (ID)" per account, which
/// clients scrape for account aliases. Refusals are 400 with an HTML page, as on the real site.
/// </summary>
internal static class SamlSigninEndpoints
{
    public const string Path = "/saml";

    public static void Map(IEndpointRouteBuilder app) => app.MapPost(Path, Handle);

    private static async Task<IResult> Handle(HttpContext http, SandboxState state)
    {
        string? samlResponse = null;
        if (http.Request.ContentType?.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase) == true)
        {
            using var reader = new StreamReader(http.Request.Body, Encoding.UTF8);
            var form = QueryHelpers.ParseQuery(await reader.ReadToEndAsync(http.RequestAborted));
            samlResponse = form.TryGetValue("SAMLResponse", out var value) ? value.ToString() : null;
        }

        if (string.IsNullOrWhiteSpace(samlResponse))
        {
            return Error("Your request included an invalid SAML response. To logout, click here.");
        }

        byte[] xml;
        try
        {
            xml = Convert.FromBase64String(samlResponse.Trim());
        }
        catch (FormatException)
        {
            return Error("Your request included an invalid SAML response. To logout, click here.");
        }

        lock (state.Sync)
        {
            if (!state.Assertions.TryGetValue(SamlResponseBuilder.Fingerprint(xml), out var assertion))
            {
                return Error("Your request included an invalid SAML response. To logout, click here.");
            }

            if (state.Now > assertion.IssuedAt.AddSeconds(state.Settings.AssertionLifetimeSeconds))
            {
                return Error("Your request included an expired SAML response. To logout, click here.");
            }

            var aliases = state.Scenario.AccountAliases;
            var body = new StringBuilder("<form id=\"saml_form\" name=\"saml_form\" action=\"/saml\" method=\"post\">\n<fieldset>\n");
            foreach (var account in assertion.Roles.GroupBy(r => r.RoleArn.Split(':') is { Length: > 4 } parts ? parts[4] : string.Empty))
            {
                var id = account.Key;
                var label = aliases.TryGetValue(id, out var name) && !string.IsNullOrEmpty(name) ? $"{name} ({id})" : id;
                body.Append("<div class=\"saml-account\"><div class=\"expandable-container\">")
                    .Append("<div class=\"saml-account-name\">Account: ").Append(WebUtility.HtmlEncode(label)).Append("</div></div>\n")
                    .Append("<hr style=\"border: 1px solid #ddd;\">\n<div class=\"saml-account\">\n");
                foreach (var role in account)
                {
                    var arn = WebUtility.HtmlEncode(role.RoleArn);
                    var roleName = WebUtility.HtmlEncode(role.RoleArn[(role.RoleArn.IndexOf(":role/", StringComparison.Ordinal) + ":role/".Length)..]);
                    body.Append("<div class=\"saml-role\">")
                        .Append($"<input type=\"radio\" name=\"roleIndex\" value=\"{arn}\" class=\"saml-radio\" id=\"{arn}\"/>")
                        .Append($"<label for=\"{arn}\" class=\"saml-role-description\">{roleName}</label></div>\n");
                }

                body.Append("</div></div>\n");
            }

            body.Append("</fieldset>\n<input type=\"hidden\" name=\"SAMLResponse\" value=\"")
                .Append(WebUtility.HtmlEncode(samlResponse)).Append("\"/>\n</form>");
            return Page(200, "Amazon Web Services Sign-In", body.ToString());
        }
    }

    private static IResult Error(string message) =>
        Page(400, "Amazon Web Services Sign-In", $"<div id=\"error\"><h1>Error</h1><p>{WebUtility.HtmlEncode(message)}</p></div>");

    private static IResult Page(int status, string title, string body) =>
        Results.Content(
            $"<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"/><title>{WebUtility.HtmlEncode(title)}</title></head>\n<body>\n{body}\n</body></html>\n",
            "text/html; charset=utf-8", Encoding.UTF8, status);
}
