namespace Berth.Core.Identity.Authorization;

/// <summary>What one API request must be authorized for.</summary>
/// <param name="Action">The IAM action, <c>ecs:RunTask</c>.</param>
/// <param name="Resources">The resources the action is authorized against; every one must be allowed.</param>
/// <param name="Context">
/// The condition keys the request itself sets: aws:RequestTag/*, aws:TagKeys, and the service's own keys
/// (ecs:cluster, ecs:task-definition, ecs:capacity-provider, ecs:enable-execute-command, ecs:container-instances,
/// iam:AWSServiceName).
/// </param>
/// <param name="RequiresAuthorization">
/// False for the operations AWS lets every authenticated caller perform, which no policy can deny
/// (sts:GetCallerIdentity, sts:GetSessionToken).
/// </param>
public sealed record AuthorizationTarget(string Action, IReadOnlyList<RequestedResource> Resources, RequestContext Context, bool RequiresAuthorization);
