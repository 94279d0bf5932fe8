namespace Keyman.Core;

/// <summary>Environment variables and the user's home, behind an interface so tests control them.</summary>
public interface IEnvironment
{
    string? Get(string name);

    /// <summary>The user's home folder: absolute and existing, never the current folder.</summary>
    /// <exception cref="KeymanException">ExitCodes.NoHomeFolder when there is no usable one (<see cref="HomeFolder"/>).</exception>
    string HomeDirectory { get; }

    string UserName { get; }
}

/// <summary>The real process environment.</summary>
public sealed class ProcessEnvironment : IEnvironment
{
    // Resolved on first use, so a command that needs no home folder (every path given explicitly) runs without one.
    private readonly Lazy<string> _home = new(HomeFolder.Resolve);

    public static ProcessEnvironment Instance { get; } = new();

    public string? Get(string name)
    {
        var value = Environment.GetEnvironmentVariable(name);
        return string.IsNullOrEmpty(value) ? null : value;
    }

    public string HomeDirectory => _home.Value;

    public string UserName => Environment.UserName;
}

/// <summary>A fixed environment for tests.</summary>
public sealed class DictionaryEnvironment(IReadOnlyDictionary<string, string> variables, string home, string userName = "tester") : IEnvironment
{
    public string? Get(string name) => variables.TryGetValue(name, out var v) && v.Length > 0 ? v : null;

    public string HomeDirectory { get; } = home;

    public string UserName { get; } = userName;
}
