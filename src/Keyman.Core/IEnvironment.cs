namespace Keyman.Core;

/// <summary>Environment variables and the user's home, behind an interface so tests control them.</summary>
public interface IEnvironment
{
    string? Get(string name);

    string HomeDirectory { get; }

    string UserName { get; }
}

/// <summary>The real process environment.</summary>
public sealed class ProcessEnvironment : IEnvironment
{
    public static ProcessEnvironment Instance { get; } = new();

    public string? Get(string name)
    {
        var value = Environment.GetEnvironmentVariable(name);
        return string.IsNullOrEmpty(value) ? null : value;
    }

    public string HomeDirectory => Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);

    public string UserName => Environment.UserName;
}

/// <summary>A fixed environment for tests.</summary>
public sealed class DictionaryEnvironment(IReadOnlyDictionary<string, string> variables, string home, string userName = "tester") : IEnvironment
{
    public string? Get(string name) => variables.TryGetValue(name, out var v) && v.Length > 0 ? v : null;

    public string HomeDirectory { get; } = home;

    public string UserName { get; } = userName;
}
