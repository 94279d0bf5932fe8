using System.Text.Json.Serialization;

namespace Keyman.Cli.Commands;

internal sealed record ModelsOutput(string Region, IReadOnlyList<ModelOutput> Models, IReadOnlyList<ProfileOutput> InferenceProfiles);

internal sealed record ModelOutput(string ModelId, string? ModelName, string? Provider, bool NeedsInferenceProfile, string? InvokeWith, string? Status);

internal sealed record ProfileOutput(string InferenceProfileId, string? Name, string? Status);

internal sealed record SetupOutput(bool Ok, bool Changed, IReadOnlyList<string> Written, string Profile, string Region, string ProfileStyle,
    string AppId, string RoleArn, string? BedrockRoleArn, IReadOnlyList<DoctorCheckOutput> Checks, string? Model, string? Answer, IReadOnlyList<string> Next,
    int? ExitCode = null, string? Error = null, string? Fix = null);

/// <summary>setup --json when it stops before its result: the failure, as stderr says it.</summary>
internal sealed record SetupFailureOutput(bool Ok, int ExitCode, string Error, string? Fix);

/// <summary>The CLI's JSON output (bedrock models --json, doctor --json, setup --json), source-generated for Native AOT.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(ModelsOutput))]
[JsonSerializable(typeof(DoctorOutput))]
[JsonSerializable(typeof(SetupOutput))]
[JsonSerializable(typeof(SetupFailureOutput))]
internal sealed partial class CliJson : JsonSerializerContext;
