using AngleSharp.Dom;
using AngleSharp.Html.Parser;

namespace Keyman.Core.Okta.Duo;

/// <summary>A form of one of Duo's pages, read with AngleSharp: where it posts and the fields the page fills in.</summary>
internal sealed record DuoForm(Uri Action, List<KeyValuePair<string, string>> Fields, IReadOnlyList<DuoDevice> Devices, string? PreferredDevice)
{
    /// <summary>The form with this id on the page, or null.</summary>
    public static DuoForm? Find(string html, Uri pageUrl, string id)
    {
        var document = new HtmlParser().ParseDocument(html);
        var form = document.GetElementById(id);
        if (form is null || !string.Equals(form.LocalName, "form", StringComparison.Ordinal))
        {
            return null;
        }

        var actionText = form.GetAttribute("action");
        var action = pageUrl;
        if (!string.IsNullOrWhiteSpace(actionText) && !Uri.TryCreate(pageUrl, actionText.Trim(), out action))
        {
            return null;
        }

        var fields = form.QuerySelectorAll("input[name]")
            .Where(i => !string.Equals(i.GetAttribute("type"), "submit", StringComparison.OrdinalIgnoreCase))
            .Select(i => new KeyValuePair<string, string>(i.GetAttribute("name")!, i.GetAttribute("value") ?? string.Empty))
            .ToList();
        var devices = document.QuerySelectorAll("select[name=device] option")
            .Select(o => new DuoDevice(o.GetAttribute("value") ?? string.Empty, Text(o)))
            .Where(d => d.Key.Length > 0)
            .ToList();
        var preferred = document.QuerySelector("input[name=preferred_device]")?.GetAttribute("value");
        return new DuoForm(action, fields, devices, string.IsNullOrEmpty(preferred) ? null : preferred);
    }

    /// <summary>The page's fields with these set (replacing the page's value of the same name).</summary>
    public List<KeyValuePair<string, string>> With(params (string Name, string Value)[] values)
    {
        var names = values.Select(v => v.Name).ToHashSet(StringComparer.Ordinal);
        return [.. Fields.Where(f => !names.Contains(f.Key)), .. values.Select(v => new KeyValuePair<string, string>(v.Name, v.Value))];
    }

    public string? Field(string name) => Fields.FirstOrDefault(f => f.Key == name).Value;

    private static string Text(IElement option) => string.Join(' ', option.TextContent.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}

/// <summary>A device of the Duo login form: its key (the <c>device</c> value) and the name Duo shows.</summary>
internal sealed record DuoDevice(string Key, string Name);
