using System.Text.RegularExpressions;
using Berth.Core.Arns;
using Berth.Core.Errors;

namespace Berth.Core.Ssm;

/// <summary>
/// Parameter Store's rules that need no I/O: names and hierarchies, ARNs, types, tiers and their value sizes,
/// allowed patterns and version labels, with Parameter Store's own error words.
/// </summary>
public static partial class ParameterRules
{
    /// <summary>Versions a parameter keeps; the oldest goes when a new one is written, unless it has a label.</summary>
    public const int MaxVersions = 100;

    public const int MaxLabelsPerVersion = 10;

    public const int MaxTags = 50;

    public const string Standard = "Standard";
    public const string Advanced = "Advanced";
    public const string IntelligentTiering = "Intelligent-Tiering";

    public const string SecureString = "SecureString";

    /// <summary>The key Parameter Store encrypts SecureStrings with when the request names none.</summary>
    public const string DefaultKeyId = "alias/aws/ssm";

    public const string TextDataType = "text";

    private const int MaxNameLength = 1011;
    private const int MaxHierarchyLevels = 15;
    private const int StandardValueLength = 4096;
    private const int AdvancedValueLength = 8192;
    private const int MaxLabelLength = 100;

    private const string NameRequirements =
        "Parameter name: can't be prefixed with \"aws\" or \"ssm\" (case-insensitive). It must use only letters, numbers, or the following symbols: . " +
        "(period), - (hyphen), _ (underscore). Special characters are not allowed. All sub-paths, if specified, must use the forward slash symbol \"/\". " +
        "Valid example: /get/parameters2-/by1./path0_.";

    /// <summary>Checks a name as PutParameter does, throwing Parameter Store's error for the first rule it breaks.</summary>
    public static string ValidateName(string? name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > MaxNameLength || !NameCharacters().IsMatch(name) || IsReserved(name.TrimStart('/')))
        {
            throw new ValidationException(NameRequirements);
        }
        if (name.Contains('/', StringComparison.Ordinal) && !name.StartsWith('/'))
        {
            throw new ValidationException("Parameter name must be a fully qualified name.");
        }
        if (name.Count(c => c == '/') > MaxHierarchyLevels)
        {
            throw new HierarchyLevelLimitExceededException(
                "A hierarchy can have a maximum of 15 levels. For more information, see Requirements and constraints for parameter names in the AWS Systems Manager User Guide.");
        }
        return name;
    }

    /// <summary>Checks a GetParametersByPath path: it begins with a slash and is at most 15 levels deep.</summary>
    public static string ValidatePath(string? path)
    {
        if (string.IsNullOrEmpty(path) || !path.StartsWith('/') || !NameCharacters().IsMatch(path) || IsReserved(path.TrimStart('/')) ||
            path.TrimEnd('/').Count(c => c == '/') > MaxHierarchyLevels)
        {
            throw new ValidationException("The parameter doesn't meet the parameter name requirements. The parameter name must begin with a forward slash \"/\". " +
                "It can't be prefixed with \"aws\" or \"ssm\" (case-insensitive). It must use only letters, numbers, or the following symbols: . (period), " +
                "- (hyphen), _ (underscore). Special characters are not allowed. All sub-paths, if specified, must use the forward slash symbol \"/\". " +
                "Valid example: /get/parameters2-/by1./path0_.");
        }
        return path;
    }

    /// <summary>Whether <paramref name="name"/> lies under <paramref name="path"/>: directly, or at any depth when recursive.</summary>
    public static bool InPath(string name, string path, bool recursive)
    {
        var prefix = path.EndsWith('/') ? path : path + "/";
        return name.StartsWith(prefix, StringComparison.Ordinal) && (recursive || !name.AsSpan(prefix.Length).Contains('/'));
    }

    /// <summary>The parameter's ARN: <c>arn:aws:ssm:us-east-1:123456789012:parameter/app/db</c> for <c>/app/db</c>.</summary>
    public static string Arn(ResourceScope scope, string name) => $"arn:{scope.Partition}:ssm:{scope.Region}:{scope.AccountId}:parameter/{name.TrimStart('/')}";

    /// <summary>The type of a new version: the request's, else the current one's, else String.</summary>
    public static string Type(string? requested, string? current)
    {
        var type = requested ?? current ?? "String";
        return type is "String" or "StringList" or SecureString
            ? type
            : throw new ValidationException($"1 validation error detected: Value '{type}' at 'type' failed to satisfy constraint: Member must satisfy enum value set: [SecureString, StringList, String]");
    }

    /// <summary>
    /// The tier a version is stored in: Intelligent-Tiering picks Advanced only when the value needs it; a parameter
    /// never goes back from Advanced to Standard, as in Parameter Store.
    /// </summary>
    public static string Tier(string? requested, string? current, string value)
    {
        var tier = requested switch
        {
            null => current ?? Standard,
            Standard or Advanced => requested,
            IntelligentTiering => value.Length > StandardValueLength || current == Advanced ? Advanced : Standard,
            _ => throw new ValidationException(
                $"1 validation error detected: Value '{requested}' at 'tier' failed to satisfy constraint: Member must satisfy enum value set: [Advanced, Intelligent-Tiering, Standard]"),
        };
        if (tier == Standard && current == Advanced)
        {
            throw new ValidationException("This parameter uses the advanced-parameter tier. You can't downgrade a parameter from the advanced-parameter tier " +
                "to the standard-parameter tier. If necessary, you can delete the advanced parameter and recreate it as a standard parameter.");
        }
        if (tier == Standard && value.Length > StandardValueLength)
        {
            throw new ValidationException("Standard tier parameters support a maximum parameter value of 4096 characters. To create a larger parameter value, " +
                "upgrade the parameter to use the advanced-parameter tier. For more information, see https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-advanced-parameters.html");
        }
        if (value.Length > AdvancedValueLength)
        {
            throw new ValidationException($"1 validation error detected: Value at 'value' failed to satisfy constraint: Member must have length less than or equal to {AdvancedValueLength}");
        }
        return tier;
    }

    /// <summary>Checks the value against the parameter's allowed pattern (a regular expression the whole value must match).</summary>
    public static void CheckPattern(string? allowedPattern, string value)
    {
        if (allowedPattern is null)
        {
            return;
        }
        Regex regex;
        try
        {
            regex = new Regex($"\\A(?:{allowedPattern})\\z", RegexOptions.None, TimeSpan.FromSeconds(1));
        }
        catch (ArgumentException)
        {
            throw new InvalidAllowedPatternException($"The allowed pattern {allowedPattern} is not a valid regular expression.");
        }
        bool matches;
        try
        {
            matches = regex.IsMatch(value);
        }
        catch (RegexMatchTimeoutException)
        {
            // A pattern that backtracks for a second on one value validates nothing.
            matches = false;
        }
        if (!matches)
        {
            throw new ParameterPatternMismatchException($"Parameter value, cannot be validated against allowedPattern: {allowedPattern}");
        }
    }

    /// <summary>Only <c>text</c> is served: Berth cannot check that a value names an EC2 image, which <c>aws:ec2:image</c> requires.</summary>
    public static string DataType(string? requested) => requested switch
    {
        null or TextDataType => TextDataType,
        "aws:ec2:image" or "aws:ssm:integration" => throw new ValidationException(
            $"The data type {requested} is not supported by Berth, which has no EC2 images or integrations to validate it against. Use the data type text."),
        _ => throw new ValidationException($"The following data type is not supported: {requested} (valid data types: text, aws:ec2:image, aws:ssm:integration)"),
    };

    /// <summary>
    /// Whether a version label is valid: at most 100 letters, numbers, periods, hyphens or underscores, not starting
    /// with a number, "aws" or "ssm". Parameter Store answers invalid labels in InvalidLabels rather than failing.
    /// </summary>
    public static bool IsValidLabel(string label) =>
        label.Length is > 0 and <= MaxLabelLength && LabelCharacters().IsMatch(label) && !char.IsAsciiDigit(label[0]) && !IsReserved(label);

    private static bool IsReserved(string name) =>
        name.StartsWith("aws", StringComparison.OrdinalIgnoreCase) || name.StartsWith("ssm", StringComparison.OrdinalIgnoreCase);

    [GeneratedRegex("^[a-zA-Z0-9_.\\-/]+$")]
    private static partial Regex NameCharacters();

    [GeneratedRegex("^[a-zA-Z0-9_.\\-]+$")]
    private static partial Regex LabelCharacters();
}
