using System.Text.RegularExpressions;
using Berth.Core.Arns;
using Berth.Core.Errors;

namespace Berth.Core.SecretsManager;

/// <summary>Secrets Manager's rules that need no I/O: names, ARNs and how a SecretId names a secret, values, deletion windows.</summary>
public static partial class SecretRules
{
    public const string Current = "AWSCURRENT";
    public const string Previous = "AWSPREVIOUS";
    public const string Pending = "AWSPENDING";

    /// <summary>Length of the random suffix Secrets Manager appends to a secret's name in its ARN.</summary>
    public const int SuffixLength = 6;

    public const string SuffixAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    public const int DefaultRecoveryWindowDays = 30;

    /// <summary>The key Secrets Manager encrypts with when the request names none.</summary>
    public const string DefaultKmsKeyId = "alias/aws/secretsmanager";

    private const int MaxNameLength = 512;
    private const int MaxStringBytes = 65536;

    public static string ValidateName(string? name) =>
        name is { Length: > 0 and <= MaxNameLength } && NameCharacters().IsMatch(name)
            ? name
            : throw new InvalidParameterException("Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@!");

    public static string Arn(ResourceScope scope, string name, string suffix) =>
        $"arn:{scope.Partition}:secretsmanager:{scope.Region}:{scope.AccountId}:secret:{name}-{suffix}";

    /// <summary>
    /// The names a SecretId can mean: a name; a full ARN (the name is before the 6-character suffix); or a partial
    /// ARN without the suffix. A name may itself end in <c>-xxxxxx</c>, so an ARN gives both readings, most likely
    /// first; the caller keeps the one whose stored ARN matches.
    /// </summary>
    public static IReadOnlyList<string> CandidateNames(string secretId)
    {
        const string marker = ":secret:";
        if (!secretId.StartsWith("arn:", StringComparison.Ordinal) || secretId.IndexOf(marker, StringComparison.Ordinal) is not (var at and >= 0))
        {
            return [secretId];
        }
        var resource = secretId[(at + marker.Length)..];
        return resource.Length > SuffixLength + 1 && resource[^(SuffixLength + 1)] == '-'
            ? [resource[..^(SuffixLength + 1)], resource]
            : [resource];
    }

    /// <summary>Whether <paramref name="secretId"/> names the secret <paramref name="secret"/> (by name, full ARN or partial ARN).</summary>
    public static bool Names(string secretId, SecretRecord secret) =>
        !secretId.StartsWith("arn:", StringComparison.Ordinal) ? secretId == secret.Name
            : secretId == secret.Arn || secretId == secret.Arn[..^(SuffixLength + 1)];

    /// <summary>A new version's value: exactly one of SecretString and SecretBinary, or none at CreateSecret.</summary>
    public static void CheckValue(string? secretString, byte[]? secretBinary, bool required)
    {
        if (secretString is not null && secretBinary is not null)
        {
            throw new InvalidParameterException("You can't specify both a binary secret value and a string secret value in the same secret.");
        }
        if (required && secretString is null && secretBinary is null)
        {
            throw new InvalidParameterException("You must provide either SecretString or SecretBinary.");
        }
        if (secretString is not null && System.Text.Encoding.UTF8.GetByteCount(secretString) > MaxStringBytes ||
            secretBinary is { Length: > MaxStringBytes })
        {
            throw new InvalidParameterException($"Secret value exceeds the maximum size of {MaxStringBytes} bytes.");
        }
    }

    /// <summary>A ClientRequestToken, which becomes the version id: 32 to 64 characters.</summary>
    public static string? CheckToken(string? token) =>
        token is null or { Length: >= 32 and <= 64 }
            ? token
            : throw new InvalidParameterException("ClientRequestToken must be between 32 and 64 characters long.");

    /// <summary>When a DeleteSecret takes effect: at once when forced, else after a recovery window of 7 to 30 days.</summary>
    public static DateTimeOffset DeletionDate(long? recoveryWindowInDays, bool force, DateTimeOffset now)
    {
        if (force && recoveryWindowInDays is not null)
        {
            throw new InvalidParameterException("You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.");
        }
        if (force)
        {
            return now;
        }
        var days = recoveryWindowInDays ?? DefaultRecoveryWindowDays;
        return days is >= 7 and <= 30
            ? now.AddDays(days)
            : throw new InvalidParameterException("The RecoveryWindowInDays value must be between 7 and 30 days (inclusive).");
    }

    [GeneratedRegex("^[a-zA-Z0-9/_+=.@!-]+$")]
    private static partial Regex NameCharacters();
}
