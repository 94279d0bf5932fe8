namespace Keyman.Core.Aws;

/// <summary>Orders roles for the menu and narrows them by --account / --role.</summary>
public static class RoleSelection
{
    /// <summary>Sorted by (account ID, role name), ordinal, so the menu and its indexes are stable.</summary>
    public static IReadOnlyList<AwsRole> Sort(IEnumerable<AwsRole> roles) =>
        roles.OrderBy(r => r.AccountId, StringComparer.Ordinal)
            .ThenBy(r => r.RoleName, StringComparer.Ordinal)
            .ThenBy(r => r.RoleArn, StringComparer.Ordinal)
            .ToList();

    /// <summary>
    /// Keeps the roles matching both filters (a null or empty filter matches everything) and returns them sorted.
    /// <paramref name="account"/> matches the account ID or its friendly name from <paramref name="accountNames"/>
    /// (ID -> name; names compare case-insensitively). <paramref name="role"/> matches the role name with its path
    /// ("team/Admin"), the last path segment ("Admin") or the full role ARN; it is case-sensitive, as IAM role names are.
    /// </summary>
    /// <exception cref="KeymanException">ExitCodes.NoMatchingRole when nothing matches; the hint lists the roles there are.</exception>
    public static IReadOnlyList<AwsRole> Filter(
        IReadOnlyList<AwsRole> roles,
        string? account,
        string? role,
        IReadOnlyDictionary<string, string>? accountNames = null)
    {
        ArgumentNullException.ThrowIfNull(roles);
        var sorted = Sort(roles);
        var matches = sorted
            .Where(r => string.IsNullOrEmpty(account) || MatchesAccount(r, account, accountNames))
            .Where(r => string.IsNullOrEmpty(role) || MatchesRole(r, role))
            .ToList();
        if (matches.Count > 0)
        {
            return matches;
        }

        var asked = string.Join(' ', new[]
        {
            string.IsNullOrEmpty(account) ? null : $"--account {account}",
            string.IsNullOrEmpty(role) ? null : $"--role {role}",
        }.Where(s => s is not null));
        var available = sorted.Count == 0
            ? "The SAML assertion holds no roles."
            : "Available roles: " + string.Join(", ", sorted.Select(r => Describe(r, accountNames))) + ". Role names are case-sensitive.";
        throw new KeymanException(ExitCodes.NoMatchingRole,
            asked.Length == 0 ? "No role matches" : $"No role matches {asked}",
            available);
    }

    /// <summary>"123456789012/Dev", or "123456789012 (prod)/Dev" when the account has a friendly name.</summary>
    public static string Describe(AwsRole role, IReadOnlyDictionary<string, string>? accountNames = null)
    {
        ArgumentNullException.ThrowIfNull(role);
        return accountNames is not null && accountNames.TryGetValue(role.AccountId, out var name) && !string.IsNullOrEmpty(name)
            ? $"{role.AccountId} ({name})/{role.RoleName}"
            : role.Display;
    }

    private static bool MatchesAccount(AwsRole role, string account, IReadOnlyDictionary<string, string>? accountNames) =>
        string.Equals(role.AccountId, account.Trim(), StringComparison.Ordinal)
        || (accountNames is not null
            && accountNames.TryGetValue(role.AccountId, out var name)
            && string.Equals(name, account.Trim(), StringComparison.OrdinalIgnoreCase));

    private static bool MatchesRole(AwsRole role, string wanted) =>
        string.Equals(role.RoleName, wanted, StringComparison.Ordinal)
        || string.Equals(role.RoleBaseName, wanted, StringComparison.Ordinal)
        || string.Equals(role.RoleArn, wanted, StringComparison.Ordinal);
}
