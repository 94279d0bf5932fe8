using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Serialization;
using Keyman.Cli.Console;
using Keyman.Core;
using Keyman.Core.Config;
using Keyman.Core.Delivery;
using Keyman.Core.Overview;

namespace Keyman.Cli.Commands;

/// <summary>
/// <c>keyman status</c>: every profile Keyman wrote or caches, its role and when it expires in local time, and the
/// Okta sessions it keeps. Asks neither Okta nor AWS; never prints a secret.
/// </summary>
internal sealed class StatusCommand : KeymanCommand
{
    private readonly Option<string> _config = new("--config", "-c") { Description = "Keyman config file, for the Okta org and user whose session to show (default: ~/.config/aws_okta_keyman.yml)" };
    private readonly Option<bool> _json = CommonOptions.Json("The status as JSON, for scripts");
    private readonly Option<bool> _debug = CommonOptions.Debug();

    public StatusCommand(CliHost host)
        : base(new Command("status", "Show the profiles Keyman wrote or caches, their roles and expiry, and the Okta session"), host)
    {
        Command.Options.Add(_config);
        Command.Options.Add(_json);
        Command.Options.Add(_debug);
    }

    protected override Option<bool> Debug => _debug;

    protected override bool UsesSecretStore => true;

    protected override async Task<int> ExecuteAsync(ParseResult parse, KeymanContext context, CancellationToken cancellationToken)
    {
        var env = context.Environment;
        var config = ConfigFile.Load(ConfigFile.ExpandHome(parse.GetValue(_config) ?? ConfigFile.DefaultPath(env), env), context.Log);
        var configured = config.Org is null ? null : CredentialProcessCache.OktaAccount(config, env);
        var report = await new KeymanStatus(context).ReadAsync(configured, cancellationToken);
        var now = context.Time.GetUtcNow();
        var zone = TimeZoneInfo.Local;
        if (parse.GetValue(_json))
        {
            context.Output.WriteLine(JsonSerializer.Serialize(ToJson(report, now, zone), StatusJson.Default.StatusOutput));
            return ExitCodes.Success;
        }

        var output = context.Output;
        if (report.Sessions.Count == 0)
        {
            output.WriteLine("Okta session: none");
        }

        foreach (var session in report.Sessions)
        {
            var state = !session.Alive ? "none"
                : session.ExpiresAt is { } until ? $"alive until {LocalTimeText.Clock(until, now, zone)} (in {LocalTimeText.Span(until - now)})"
                : "alive";
            output.WriteLine($"Okta session of {session.User} at {session.Org}: {state}");
        }

        if (report.Profiles.Count == 0)
        {
            output.WriteLine("No profile written or cached by Keyman.");
            return ExitCodes.Success;
        }

        output.WriteLine(string.Empty);
        var rows = report.Profiles.Select(p => (
            p.Profile,
            Where: p.Source == ProfileSource.CredentialsFile ? "credentials file" : "credential_process cache",
            Role: p.RoleArn ?? "(role not recorded)",
            When: p.Expires is { } e ? LocalTimeText.Expiry(e, now, zone) : "expiry unknown")).ToList();
        var widths = (rows.Max(r => r.Profile.Length), rows.Max(r => r.Where.Length), rows.Max(r => r.Role.Length));
        foreach (var row in rows)
        {
            output.WriteLine($"{row.Profile.PadRight(widths.Item1)}  {row.Where.PadRight(widths.Item2)}  {row.Role.PadRight(widths.Item3)}  {row.When}");
        }

        return ExitCodes.Success;
    }

    private static StatusOutput ToJson(StatusReport report, DateTimeOffset now, TimeZoneInfo zone) => new(
        report.Store,
        report.CredentialsFile,
        report.Sessions.Select(s => new SessionOutput(s.Org, s.User, s.Alive, s.ExpiresAt is { } e ? LocalTimeText.Iso(e, zone) : null)).ToList(),
        report.Profiles.Select(p => new ProfileOutput(
            p.Profile,
            p.Source == ProfileSource.CredentialsFile ? "credentials-file" : "credential-process-cache",
            p.RoleArn,
            p.Expires is { } e ? LocalTimeText.Iso(e, zone) : null,
            p.Expires is { } x ? x <= now : null,
            p.Expires is { } s ? (long)Math.Floor((s - now).TotalSeconds) : null)).ToList());

    internal sealed record StatusOutput(string Store, string CredentialsFile, IReadOnlyList<SessionOutput> OktaSessions, IReadOnlyList<ProfileOutput> Profiles);

    internal sealed record SessionOutput(string Org, string User, bool Alive, string? ExpiresAt);

    internal sealed record ProfileOutput(string Profile, string Source, string? RoleArn, string? Expires, bool? Expired, long? SecondsLeft);
}

/// <summary>keyman status --json, source-generated for Native AOT.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(StatusCommand.StatusOutput))]
internal sealed partial class StatusJson : JsonSerializerContext;
