namespace Keyman.Core.Aws.Sts;

/// <summary>What sts:GetCallerIdentity says about a set of credentials.</summary>
public sealed record CallerIdentity(string Account, string Arn, string UserId);
