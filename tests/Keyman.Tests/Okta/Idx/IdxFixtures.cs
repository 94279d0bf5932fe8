using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Keyman.Tests.Okta.Idx;

/// <summary>Okta's captured IDX responses (Fixtures/README.md) served through <see cref="TestHttpMessageHandler"/>.</summary>
internal static class IdxFixtures
{
    public static readonly Uri Org = new("https://acme.okta.com/");

    public static string Load(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Okta", "Idx", "Fixtures", name + ".json"));

    /// <summary>Answers <paramref name="path"/> with a fixture as Okta does: application/ion+json, the given status.</summary>
    public static TestHttpMessageHandler OnIdx(this TestHttpMessageHandler handler, string path, string fixture,
        HttpStatusCode status = HttpStatusCode.OK, bool sticky = false) =>
        handler.OnIon(path, Load(fixture), status, sticky);

    public static TestHttpMessageHandler OnIon(this TestHttpMessageHandler handler, string path, string json,
        HttpStatusCode status = HttpStatusCode.OK, bool sticky = false) =>
        handler.On(HttpMethod.Post, path, _ => new HttpResponseMessage(status)
        {
            Content = new StringContent(json, Encoding.UTF8, "application/ion+json"),
        }, sticky);

    public static JsonObject Body(RecordedRequest request) => JsonNode.Parse(request.Body!)!.AsObject();
}
