using System.Diagnostics.CodeAnalysis;

namespace Berth.Core.Identity.Policies;

/// <summary>
/// A parsed IAM policy document (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html).
/// </summary>
/// <param name="Version"><c>2012-10-17</c>, <c>2008-10-17</c>, or null when absent; only 2012-10-17 substitutes policy variables.</param>
public sealed record PolicyDocument(string? Version, string? Id, IReadOnlyList<PolicyStatement> Statements)
{
    public const string CurrentVersion = "2012-10-17";

    /// <summary>
    /// Parses and validates a document as IAM does for its kind; <paramref name="error"/> is then the message of
    /// IAM's MalformedPolicyDocument (e.g. "Has prohibited field Principal").
    /// </summary>
    public static bool TryParse(string json, PolicyKind kind, [NotNullWhen(true)] out PolicyDocument? document, [NotNullWhen(false)] out string? error) =>
        PolicyParser.TryParse(json, kind, out document, out error);

    public bool SubstitutesVariables => Version == CurrentVersion;
}
