using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Keyman.Core.Okta.Idx;

/// <summary>
/// Detected engines kept between runs in a small JSON file under the user's cache folder ($XDG_CACHE_HOME/keyman or
/// ~/.cache/keyman/engines.json, 0600 in a 0700 folder). Not the secret store: an org's engine is not a secret, and a
/// keychain may prompt or be missing, while this is read on every start. A broken file counts as empty.
/// </summary>
public sealed class OktaEngineCacheFile(string path) : IOktaEngineCache
{
    public static string DefaultPath(IEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var root = environment.Get("XDG_CACHE_HOME") is { Length: > 0 } xdg && Path.IsPathRooted(xdg)
            ? xdg
            : Path.Combine(environment.HomeDirectory, ".cache");
        return Path.Combine(root, "keyman", "engines.json");
    }

    public OktaEngineRecord? Read(Uri org)
    {
        var entry = Load()[OktaOrg.Display(org)] as JsonObject;
        var engine = entry?["engine"]?.GetValue<string>() switch
        {
            "classic" => OktaEngine.Classic,
            "idx" => OktaEngine.IdentityEngine,
            _ => (OktaEngine?)null,
        };
        return engine is { } e
            && DateTimeOffset.TryParse(entry?["checkedAt"]?.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? new OktaEngineRecord(e, at)
            : null;
    }

    public void Write(Uri org, OktaEngineRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var all = Load();
        all[OktaOrg.Display(org)] = new JsonObject
        {
            ["engine"] = record.Engine == OktaEngine.IdentityEngine ? "idx" : "classic",
            ["checkedAt"] = record.CheckedAt.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture),
        };
        try
        {
            AtomicFile.EnsureDirectory(Path.GetDirectoryName(path)!);
            AtomicFile.WriteAllText(path, all.ToJsonString(), secret: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or KeymanException)
        {
            // Only a cache: the next run asks Okta again.
        }
    }

    private JsonObject Load()
    {
        try
        {
            return File.Exists(path) && JsonNode.Parse(File.ReadAllText(path)) is JsonObject o ? o : new JsonObject();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or InvalidOperationException)
        {
            return new JsonObject();
        }
    }
}
