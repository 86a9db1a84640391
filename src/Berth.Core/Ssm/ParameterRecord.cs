namespace Berth.Core.Ssm;

/// <summary>
/// A stored SSM parameter: its name, tags and every version it keeps (at most <see cref="ParameterRules.MaxVersions"/>),
/// oldest first. A SecureString version's <see cref="ParameterVersion.Value"/> is sealed (Berth.Store's SecretCipher,
/// bound to the parameter's ARN and version); other types are kept as given, as Parameter Store does.
/// </summary>
public sealed record ParameterRecord(string Name, string Arn, IReadOnlyList<ParameterVersion> Versions, IReadOnlyDictionary<string, string> Tags)
{
    public ParameterVersion Latest => Versions[^1];

    public ParameterVersion? Version(long version) => Versions.FirstOrDefault(v => v.Version == version);

    public ParameterVersion? Labelled(string label) => Versions.FirstOrDefault(v => v.Labels.Contains(label, StringComparer.Ordinal));
}

/// <summary>One version of a parameter with the attributes it was written with (GetParameterHistory shows each).</summary>
public sealed record ParameterVersion(
    long Version,
    string Type,
    string Value,
    string? KeyId,
    string? Description,
    string? AllowedPattern,
    string Tier,
    string DataType,
    DateTimeOffset LastModifiedDate,
    string LastModifiedUser,
    IReadOnlyList<string> Labels);
