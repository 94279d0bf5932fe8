using Keyman.Core.Aws;
using Keyman.Core.Config;
using Keyman.Core.Okta;
using Keyman.Core.Ui;

namespace Keyman.Core.Setup;

/// <summary>
/// Gathers the answers DevOps hands out — Okta org, username, optionally the Bedrock role ARN and region — and the
/// profile style: from the flags, else by asking (each answer checked as typed, asked again when wrong), else, with
/// --non-interactive, from the files as they are, failing with a one-line error that names the flag to pass.
/// </summary>
public sealed class SetupInterview(KeymanContext context, SetupRequest request)
{
    /// <summary>How often a wrong answer is asked again before setup gives up.</summary>
    private const int Tries = 5;

    public async Task<SetupAnswers> RunAsync(CancellationToken cancellationToken)
    {
        var existing = ExistingConfig();
        var existingBedrock = AwsConfigValue(request.Profile ?? SetupAnswers.DefaultBedrockProfile, "role_arn", SetupValidation.BedrockRoleArn);

        var org = await AnswerAsync(request.Org, "--org", "Okta org (e.g. acme or https://acme.okta.com):", existing.Org, SetupValidation.Org, cancellationToken);
        var username = await AnswerAsync(request.Username, "--username", "Okta username (e.g. jane@acme.com):",
            existing.Username, SetupValidation.Username, cancellationToken);
        var bedrock = request.BedrockRoleArn is { } given
            ? SetupValidation.BedrockRoleArn(given)
            : request.NonInteractive
                ? existingBedrock
                : await AskAsync("Bedrock role ARN from DevOps ('none' if you have none):", existingBedrock ?? "none", SetupValidation.BedrockRoleArn, cancellationToken);
        var region = await AnswerAsync(request.Region, "--region", "AWS region:", existing.Region ?? AwsConfigValue("default", "region", SetupValidation.Region) ?? KeymanConfig.DefaultRegion, SetupValidation.Region, cancellationToken);
        var style = request.Style is { } s
            ? SetupValidation.Style(s)
            : request.NonInteractive
                ? ProfileStyle.RoleChain
                : await AskAsync("AWS profiles: 'chain' (role_arn + source_profile, as the how-to) or 'credential-process':", "chain", SetupValidation.Style, cancellationToken);

        var sourceDefault = style == ProfileStyle.RoleChain ? existing.Name ?? SetupAnswers.DefaultChainSource : SetupAnswers.DefaultProcessSource;
        var source = SetupValidation.ProfileName(request.SourceProfile ?? sourceDefault, "source profile name");
        if (style == ProfileStyle.RoleChain && request.SourceProfile is null && HoldsLongTermKeys(source) is { } credentials)
        {
            // The login would replace them: keep the user's own keys and give Keyman's a profile of their own.
            var why = $"[{source}] in {credentials} holds long-term keys that are not Keyman's";
            if (request.NonInteractive)
            {
                throw new KeymanException(ExitCodes.CredentialsFile, $"{why}; setup would replace them",
                    $"Pass --source-profile NAME (e.g. {SetupAnswers.DefaultProcessSource}) for Keyman's short-lived keys, or move those keys to another profile first.");
            }

            context.Log.Warning($"{why}; Keyman's short-lived keys go to another profile");
            var taken = source;
            source = await AskAsync("Profile for Keyman's short-lived keys:", SetupAnswers.DefaultProcessSource, answer =>
                SetupValidation.ProfileName(answer, "source profile name") is var name && name != taken
                    ? name
                    : throw new KeymanException(ExitCodes.Usage, $"[{taken}] holds your long-term keys", "Type another profile name."), cancellationToken);
        }

        var sameOrg = Valid(existing.Org, SetupValidation.Org) is { } savedOrg && OktaOrg.Resolve(savedOrg) == OktaOrg.Resolve(org);
        var profile = SetupValidation.ProfileName(request.Profile ?? SetupAnswers.DefaultBedrockProfile);
        if (bedrock is not null && profile == source)
        {
            throw new KeymanException(ExitCodes.Usage, $"The Bedrock profile and the source profile are both '{profile}'",
                "Give them different names (--profile for the Bedrock role's profile, --source-profile for the one it chains on).");
        }

        return new SetupAnswers
        {
            Org = org,
            Username = username,
            // Named by a flag, else the config's (a re-run asks nothing) while the org is the same, else picked from the login's menus.
            AppId = request.AppId is { } app ? SetupValidation.AppId(app) : sameOrg ? Valid(existing.AppId, SetupValidation.AppId) : null,
            Role = request.Role is { } role ? SetupValidation.Role(role) : sameOrg ? Valid(existing.Role, SetupValidation.Role) : null,
            BedrockRoleArn = bedrock,
            Region = region,
            Style = style,
            SourceProfile = source,
            BedrockProfile = profile,
        };
    }

    /// <summary>The Keyman config as it is, for defaults; a broken one (the how-to's $PLACEHOLDERs) gives none.</summary>
    private KeymanConfig ExistingConfig()
    {
        try
        {
            return ConfigFile.Load(request.ConfigPath, context.Log, context.Environment);
        }
        catch (KeymanException e)
        {
            context.Log.Warning($"The Keyman config cannot be used as it is ({e.Message}); setup writes the keys it asks for");
            return new KeymanConfig();
        }
    }

    /// <summary>A key of the AWS config's profile as it is now (the Bedrock profile's role_arn, [default]'s region), when valid.</summary>
    private string? AwsConfigValue(string profile, string key, Func<string, string?> validate)
    {
        try
        {
            var section = IniFile.Load(AwsConfigFile.ResolvePath(context.Environment)).ConfigProfile(profile);
            return section is not null && section.TryGetValue(key, out var value) ? Valid(value, validate) : null;
        }
        catch (Exception e) when (e is KeymanException or IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The credentials file's path when <paramref name="profile"/> there holds static keys Keyman did not write.</summary>
    private string? HoldsLongTermKeys(string profile)
    {
        var path = CredentialsFile.ResolvePath(context.Environment);
        var section = CredentialsFile.ReadProfile(path, profile);
        return section is not null && section.ContainsKey("aws_access_key_id")
            && !section.ContainsKey("aws_session_token") && !section.ContainsKey("x_security_token_expires") ? path : null;
    }

    /// <summary>A flag's value (checked), else the question, else (--non-interactive) the current value or a one-line error.</summary>
    private async Task<string> AnswerAsync(string? flag, string flagName, string question, string? current, Func<string, string> validate,
        CancellationToken cancellationToken)
    {
        if (flag is not null)
        {
            return validate(flag);
        }

        var usable = Valid(current, validate);
        if (request.NonInteractive)
        {
            return usable ?? throw new KeymanException(ExitCodes.Usage, $"--non-interactive needs {flagName}: the Keyman config has no usable value for it",
                $"Pass {flagName} (see 'keyman setup --help').");
        }

        return await AskAsync(question, usable, validate, cancellationToken);
    }

    /// <summary>Asks until the answer is valid; a blank answer takes <paramref name="current"/> when there is one.</summary>
    private async Task<T> AskAsync<T>(string question, string? current, Func<string, T> validate, CancellationToken cancellationToken)
    {
        var prompt = current is null ? question : $"{question.TrimEnd(':')} [{current}]:";
        KeymanException? last = null;
        for (var attempt = 0; attempt < Tries; attempt++)
        {
            var answer = (await context.Interaction.AskAsync(prompt, secret: false, cancellationToken)).Trim();
            try
            {
                return validate(answer.Length == 0 && current is not null ? current : answer);
            }
            catch (KeymanException e) when (e.ExitCode == ExitCodes.Usage)
            {
                last = e;
                context.Log.Warning($"{e.Message}. {e.Hint}");
            }
        }

        throw new KeymanException(ExitCodes.Usage, $"No valid answer after {Tries} tries: {last!.Message}", last.Hint);
    }

    private static T? Valid<T>(string? value, Func<string, T> validate)
    {
        if (value is null)
        {
            return default;
        }

        try
        {
            return validate(value);
        }
        catch (KeymanException)
        {
            return default;
        }
    }
}
