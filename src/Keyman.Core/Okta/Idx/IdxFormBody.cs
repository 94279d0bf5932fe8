using System.Text.Json;
using System.Text.Json.Nodes;

namespace Keyman.Core.Okta.Idx;

/// <summary>
/// Fills an IDX form generically, as Okta's own clients do: every field the form declares is sent, with the caller's
/// value when given (nested forms take nested values), else the field's default (stateHandle, ids, methodType).
/// A required visible field nobody filled is an error, so a form Keyman does not understand fails loudly.
/// </summary>
internal static class IdxFormBody
{
    /// <param name="values">Values by field name: a string, a bool, a <see cref="JsonNode"/>, or a nested dictionary.</param>
    public static JsonObject Build(IdxForm form, IReadOnlyDictionary<string, object?>? values = null) =>
        Build(form.Name ?? "(unnamed)", form.Fields, values ?? new Dictionary<string, object?>());

    public static JsonObject Build(string formName, IReadOnlyList<IdxField> fields, IReadOnlyDictionary<string, object?> values)
    {
        var body = new JsonObject();
        foreach (var field in fields)
        {
            if (string.IsNullOrEmpty(field.Name))
            {
                continue;
            }

            values.TryGetValue(field.Name, out var given);
            var node = given switch
            {
                null => Default(formName, field),
                string text => JsonValue.Create(text),
                bool flag => JsonValue.Create(flag),
                JsonNode json => json,
                IReadOnlyDictionary<string, object?> nested when field.Form?.Value is { } sub => Build(formName, sub, nested),
                IReadOnlyDictionary<string, object?> => throw new KeymanException(ExitCodes.OktaError, // fuzz finding
                    $"Okta's sign-in step \"{formName}\" describes its field \"{field.Name}\" in a shape Keyman does not know",
                    "Run keyman again; report this with --debug output if it persists."),
                _ => throw new ArgumentException($"IDX field {field.Name}: unsupported value", nameof(values)),
            };
            if (node is not null)
            {
                body[field.Name] = node;
            }
        }

        return body;
    }

    private static JsonNode? Default(string formName, IdxField field)
    {
        if (field.Value is { ValueKind: not JsonValueKind.Undefined and not JsonValueKind.Null } value)
        {
            return JsonNode.Parse(value.GetRawText());
        }

        if (field.Form?.Value is { } sub)
        {
            var nested = Build(formName, sub, new Dictionary<string, object?>());
            return nested.Count > 0 ? nested : null;
        }

        if (field.Required == true && field.Visible != false && field.Type != "boolean")
        {
            throw new KeymanException(ExitCodes.OktaError,
                $"Okta's sign-in step \"{formName}\" asks for \"{field.Label ?? field.Name}\", which Keyman cannot fill",
                "Sign in once in a browser to finish what Okta asks for, then run keyman again; report this with --debug output.");
        }

        return null;
    }
}
