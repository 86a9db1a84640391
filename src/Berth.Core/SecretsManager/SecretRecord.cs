namespace Berth.Core.SecretsManager;

/// <summary>
/// A stored secret of Secrets Manager: its ARN (name and random suffix), metadata, tags and versions. Values are
/// sealed (Berth.Store's SecretCipher, bound to the secret's ARN and version id), never kept in the clear.
/// </summary>
/// <param name="DeletionDate">When a secret scheduled for deletion (DeleteSecret with a recovery window) is deleted
/// for good; null while the secret is live.</param>
public sealed record SecretRecord(
    string Arn,
    string Name,
    string? Description,
    string? KmsKeyId,
    DateTimeOffset CreatedDate,
    DateTimeOffset LastChangedDate,
    DateTimeOffset? LastAccessedDate,
    DateTimeOffset? DeletedDate,
    DateTimeOffset? DeletionDate,
    IReadOnlyList<KeyValuePair<string, string>> Tags,
    IReadOnlyList<SecretVersion> Versions)
{
    public SecretVersion? Version(string versionId) => Versions.FirstOrDefault(v => v.VersionId == versionId);

    public SecretVersion? Staged(string stage) => Versions.FirstOrDefault(v => v.Stages.Contains(stage, StringComparer.Ordinal));

    /// <summary>Whether the secret is gone for good at <paramref name="now"/>: its recovery window has passed.</summary>
    public bool IsPurged(DateTimeOffset now) => DeletionDate is { } due && due <= now;
}

/// <param name="SealedString">SecretString, sealed; null when the version holds SecretBinary.</param>
/// <param name="SealedBinary">SecretBinary (base64), sealed; null when the version holds SecretString.</param>
public sealed record SecretVersion(string VersionId, string? SealedString, string? SealedBinary, DateTimeOffset CreatedDate, IReadOnlyList<string> Stages);
