using Berth.Core.Iam;
using Berth.Core.Identity.Credentials;

namespace Berth.Api.Iam;

/// <summary>How IAM shows users, groups, roles, tags and attached policies in its answers.</summary>
internal static class IamViews
{
    /// <summary>IAM answers policy documents URL-encoded (RFC 3986), which the SDKs decode.</summary>
    public static string Document(string document) => Uri.EscapeDataString(document);

    public static Role Role(IamRoleRecord role) => new()
    {
        RoleName = role.RoleName,
        RoleId = role.RoleId,
        Path = role.Path,
        Arn = role.Arn,
        CreateDate = role.CreateDate,
        AssumeRolePolicyDocument = Document(role.AssumeRolePolicyDocument),
        Description = role.Description,
        MaxSessionDuration = role.MaxSessionDuration,
        Tags = Tags(role.Tags),
        PermissionsBoundary = Boundary(role.PermissionsBoundaryArn),
    };

    public static User User(IamUserRecord user) => new()
    {
        UserName = user.UserName,
        UserId = user.UserId,
        Path = user.Path,
        Arn = user.Arn,
        CreateDate = user.CreateDate,
        Tags = Tags(user.Tags),
        PermissionsBoundary = Boundary(user.PermissionsBoundaryArn),
    };

    /// <summary>A user's or role's permissions boundary as IAM shows it; null (left out) for none.</summary>
    public static AttachedPermissionsBoundary? Boundary(string? policyArn) =>
        policyArn is null ? null : new AttachedPermissionsBoundary { PermissionsBoundaryType = "PermissionsBoundaryPolicy", PermissionsBoundaryArn = policyArn };

    public static Group Group(IamGroupRecord group) => new()
    {
        GroupName = group.GroupName,
        GroupId = group.GroupId,
        Path = group.Path,
        Arn = group.Arn,
        CreateDate = group.CreateDate,
    };

    /// <summary>Tags by key, or null for none (IAM leaves the member out).</summary>
    public static IReadOnlyList<Tag>? Tags(IReadOnlyDictionary<string, string> tags) =>
        tags.Count == 0 ? null : [.. tags.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => new Tag { Key = t.Key, Value = t.Value })];

    /// <summary>A policy's path, from its ARN (<c>arn:aws:iam::aws:policy/service-role/X</c> → <c>/service-role/</c>).</summary>
    public static string PolicyPath(string policyArn)
    {
        var resource = policyArn[(policyArn.IndexOf(":policy/", StringComparison.Ordinal) + ":policy".Length)..];
        return resource[..(resource.LastIndexOf('/') + 1)];
    }

    /// <summary>
    /// A page of the policies attached to a user, group or role whose path starts with <paramref name="pathPrefix"/>
    /// (ListAttachedUser-, Group- and RolePolicies), and the marker of the next page, or null on the last.
    /// </summary>
    public static (IReadOnlyList<AttachedPolicy> Policies, string? NextMarker) AttachedPage(IEnumerable<string> policyArns, string? pathPrefix, string? marker,
        int? maxItems)
    {
        var page = IamPage.Of(policyArns.Where(a => PolicyPath(a).StartsWith(pathPrefix ?? "/", StringComparison.Ordinal)), a => a, marker, maxItems);
        return ([.. page.Items.Select(Attached)], page.NextToken);
    }

    public static AttachedPolicy Attached(string policyArn) => new() { PolicyArn = policyArn, PolicyName = policyArn[(policyArn.LastIndexOf('/') + 1)..] };
}
