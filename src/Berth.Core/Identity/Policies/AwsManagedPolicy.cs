namespace Berth.Core.Identity.Policies;

/// <summary>
/// An AWS managed policy: owned by AWS (<c>arn:aws:iam::aws:policy/…</c>), attachable in every account, never
/// changed by its users.
/// </summary>
/// <param name="Name">The policy name, e.g. <c>AmazonECS_FullAccess</c>.</param>
/// <param name="Path"><c>/</c>, or <c>/service-role/</c> for policies meant for service roles.</param>
/// <param name="DefaultVersionId">The version AWS publishes the document as (<c>v1</c>, <c>v21</c>…).</param>
/// <param name="Description">The description IAM's GetPolicy gives.</param>
/// <param name="Document">The policy document, as GetPolicyVersion returns it (before URL encoding).</param>
public sealed record AwsManagedPolicy(string Name, string Path, string DefaultVersionId, string Description, string Document)
{
    /// <summary>The policy's ARN in the commercial partition.</summary>
    public string Arn => $"arn:aws:iam::aws:policy{Path}{Name}";

    /// <summary>The parsed document (every embedded document is valid; a test holds it to that).</summary>
    public PolicyDocument Parse() =>
        PolicyDocument.TryParse(Document, PolicyKind.Identity, out var document, out var error)
            ? document
            : throw new InvalidOperationException($"AWS managed policy {Name} is malformed: {error}");
}
