using Keyman.Core.Aws;
using Keyman.Core.Aws.Sts;
using Keyman.Core.Ui;

namespace Keyman.Core.Login;

/// <summary>One profile <c>--all-profiles</c> means to write: its name, its role and the assertion that names the role.</summary>
public sealed record PlannedProfile(string Profile, AwsRole Role, SamlAssertion Assertion);

/// <summary>A profile written, with the credentials STS gave its role.</summary>
public sealed record WrittenProfile(string Profile, AwsRole Role, AwsCredentials Credentials);

/// <summary>A profile not written (or an app that gave no roles): its role (none for an app) and why, as the user is told.</summary>
public sealed record RefusedProfile(string Profile, string? RoleArn, string Reason, int ExitCode)
{
    public override string ToString() => RoleArn is null ? $"{Profile}: {Reason}" : $"{Profile} ({RoleArn}): {Reason}";
}

/// <summary>
/// The profiles of every role of the app(s), named by a <see cref="ProfileNameTemplate"/> once every app is in (an
/// account's alias learnt from one app names its roles from every app). A role offered by two apps is planned once;
/// two roles that the template gives one name are refused before anything is asked of STS.
/// </summary>
public sealed class AllProfilesPlan(ProfileNameTemplate template)
{
    private readonly List<(AwsRole Role, SamlAssertion Assertion)> _roles = [];
    private readonly Dictionary<string, string> _accountNames = new(StringComparer.Ordinal);
    private readonly List<RefusedProfile> _refused = [];
    private readonly List<(string AppId, KeymanException Reason)> _skipped = [];

    /// <summary>Apps the user named (appid, accounts) that gave no roles: they are reported with the refused profiles.</summary>
    public IReadOnlyList<RefusedProfile> Refused => _refused;

    /// <summary>Apps Okta showed (none named by the user) that gave no roles: logged, not counted as profiles not written.</summary>
    public IReadOnlyList<(string AppId, KeymanException Reason)> Skipped => _skipped;

    public int RoleCount => _roles.Count;

    /// <param name="accountNames">Account ID -> alias, as AWS's sign-in page showed them for this assertion.</param>
    public void Add(SamlAssertion assertion, IEnumerable<AwsRole> roles, IReadOnlyDictionary<string, string> accountNames)
    {
        ArgumentNullException.ThrowIfNull(assertion);
        ArgumentNullException.ThrowIfNull(roles);
        ArgumentNullException.ThrowIfNull(accountNames);
        foreach (var (id, name) in accountNames)
        {
            _accountNames.TryAdd(id, name);
        }

        foreach (var role in roles.Where(r => !_roles.Any(p => p.Role.RoleArn == r.RoleArn)))
        {
            _roles.Add((role, assertion)); // a role already planned through another app needs one profile only
        }
    }

    /// <summary>
    /// An app whose page gave no usable assertion (no AWS role). One the user named (<paramref name="named"/>: from appid
    /// or the config's accounts) is a profile not written; one Okta merely showed is skipped.
    /// </summary>
    public void AddUnusableApp(string appId, KeymanException reason, bool named)
    {
        ArgumentNullException.ThrowIfNull(reason);
        if (named)
        {
            _refused.Add(new RefusedProfile($"app {appId}", null, reason.Message, reason.ExitCode));
        }
        else
        {
            _skipped.Add((appId, reason));
        }
    }

    /// <summary>Each role with its profile name, in the order the apps and their roles came.</summary>
    /// <exception cref="KeymanException">ExitCodes.Usage when the template gives two roles the same name.</exception>
    public IReadOnlyList<PlannedProfile> NameProfiles()
    {
        var profiles = new List<PlannedProfile>(_roles.Count);
        foreach (var (role, assertion) in _roles)
        {
            var name = template.Render(role, _accountNames);
            if (profiles.FirstOrDefault(p => string.Equals(p.Profile, name, StringComparison.Ordinal)) is { } taken)
            {
                throw new KeymanException(ExitCodes.Usage,
                    $"--profile-template '{template.Text}' names both {taken.Role.RoleArn} and {role.RoleArn} \"{name}\"",
                    "Add {account_id} to the template (aliases of two accounts may read alike), e.g. --profile-template '{account_id}-{role}'.");
            }

            profiles.Add(new PlannedProfile(name, role, assertion));
        }

        return profiles;
    }
}

/// <summary>What <c>--all-profiles</c> did: the profiles written (in one write) and those refused, each with its reason.</summary>
public sealed record AllProfilesResult(IReadOnlyList<WrittenProfile> Written, IReadOnlyList<RefusedProfile> Refused, string? WrittenTo)
{
    /// <summary>
    /// Null when every profile was written. Else ExitCodes.SomeProfilesRefused when some were written, or, when none
    /// was, the first refusal's own code (StsRefused, Network, …).
    /// </summary>
    public KeymanException? Failure()
    {
        if (Refused.Count == 0)
        {
            return null;
        }

        var names = string.Join(", ", Refused.Select(r => r.Profile));
        return Written.Count == 0
            ? new KeymanException(Refused[0].ExitCode, $"No profile was written: every role was refused ({names})",
                "The reason for each is logged above; run with --debug for details, or ask DevOps to check the roles' trust policies.")
            : new KeymanException(ExitCodes.SomeProfilesRefused,
                $"{Refused.Count} of {Refused.Count + Written.Count} profiles were not written: {names}",
                "Use the profiles that were written; send the 'Not written' lines above (each names the role and why) to DevOps, or leave those roles out with --account/--role.");
    }
}

/// <summary>
/// <c>--all-profiles</c>'s AWS half: one AssumeRoleWithSAML per planned profile, several at once (STS takes one
/// assertion for any number of calls within its five minutes), then every profile that got credentials written to the
/// credentials file in one atomic write. A refused role costs only its own profile.
/// </summary>
public sealed class AllProfiles(StsClient sts, ILog log)
{
    /// <summary>STS calls under way at once (gimme-aws-creds allows 10; fewer keeps clear of STS throttling).</summary>
    public const int DefaultMaxParallel = 4;

    public int MaxParallel { get; init; } = DefaultMaxParallel;

    /// <param name="credentialsPath">The credentials file; null to write nothing (tests).</param>
    /// <exception cref="KeymanException">ExitCodes.CredentialsFile when the file cannot be written (nothing is then written).</exception>
    public async Task<AllProfilesResult> RunAsync(AllProfilesPlan plan, int durationSeconds, string region, string? credentialsPath, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var planned = plan.NameProfiles();
        var outcomes = new (IReadOnlyList<KeyValuePair<string, string>>? Values, AwsCredentials? Credentials, KeymanException? Error)[planned.Count];
        var options = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, MaxParallel), CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(Enumerable.Range(0, planned.Count), options, async (i, token) =>
        {
            var profile = planned[i];
            try
            {
                var credentials = await sts.AssumeRoleWithSamlAsync(profile.Role, profile.Assertion, durationSeconds, region, token).ConfigureAwait(false);
                outcomes[i] = (CredentialsFile.ProfileValues(credentials, region), credentials, null);
            }
            catch (KeymanException e)
            {
                outcomes[i] = (null, null, e);
            }
        }).ConfigureAwait(false);

        var written = new List<WrittenProfile>();
        var refused = new List<RefusedProfile>(plan.Refused);
        var sections = new List<KeyValuePair<string, IReadOnlyList<KeyValuePair<string, string>>>>();
        for (var i = 0; i < planned.Count; i++)
        {
            var (values, credentials, error) = outcomes[i];
            if (error is not null)
            {
                refused.Add(new RefusedProfile(planned[i].Profile, planned[i].Role.RoleArn, error.Message, error.ExitCode));
                continue;
            }

            written.Add(new WrittenProfile(planned[i].Profile, planned[i].Role, credentials!));
            sections.Add(new(planned[i].Profile, values!));
        }

        foreach (var (appId, reason) in plan.Skipped)
        {
            log.Warning($"App {appId} has no AWS roles; skipped ({reason.Message})");
        }

        foreach (var r in refused)
        {
            // The exit message points at these lines, so -q must not hide them.
            log.MustShowWarning($"Not written: {r}");
        }

        if (sections.Count > 0 && credentialsPath is not null)
        {
            CredentialsFile.WriteProfiles(credentialsPath, sections);
            log.Info($"Wrote {sections.Count} profile{(sections.Count == 1 ? "" : "s")} to {credentialsPath} \U0001F4BE");
        }

        return new AllProfilesResult(written, refused, sections.Count > 0 ? credentialsPath : null);
    }
}
