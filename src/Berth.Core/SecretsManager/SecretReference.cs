namespace Berth.Core.SecretsManager;

/// <summary>
/// A container definition's <c>valueFrom</c> that names a Secrets Manager secret, in ECS's form
/// <c>arn:aws:secretsmanager:region:account:secret:name[-suffix][:json-key[:version-stage[:version-id]]]</c>:
/// empty trailing fields mean the whole value, AWSCURRENT, and no particular version.
/// </summary>
public sealed record SecretReference(string SecretId, string? JsonKey, string? VersionStage, string? VersionId)
{
    /// <summary>Fields of the ARN itself: arn, partition, service, region, account, "secret", name.</summary>
    private const int ArnFields = 7;

    /// <summary>Whether <paramref name="valueFrom"/> names a secret (anything else names a parameter).</summary>
    public static bool IsSecret(string valueFrom) =>
        valueFrom.StartsWith("arn:", StringComparison.Ordinal) && valueFrom.Split(':') is { Length: >= ArnFields } fields && fields[2] == "secretsmanager";

    /// <summary>The reference, or null when <paramref name="valueFrom"/> is not a secret ARN or has too many fields.</summary>
    public static SecretReference? Parse(string valueFrom)
    {
        var fields = valueFrom.Split(':');
        if (!IsSecret(valueFrom) || fields[5] != "secret" || fields[6].Length == 0 || fields.Length > ArnFields + 3)
        {
            return null;
        }
        string? Field(int index) => fields.Length > index && fields[index].Length > 0 ? fields[index] : null;
        return new SecretReference(string.Join(':', fields[..ArnFields]), Field(ArnFields), Field(ArnFields + 1), Field(ArnFields + 2));
    }
}
