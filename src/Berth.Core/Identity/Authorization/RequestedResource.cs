namespace Berth.Core.Identity.Authorization;

/// <summary>A resource an action is authorized against.</summary>
/// <param name="Arn">Its ARN, or <c>*</c> for an action without resource-level permissions.</param>
/// <param name="Type">
/// The Service Authorization Reference's resource type (<c>cluster</c>, <c>task-definition</c>, <c>log-group</c>,
/// <c>role</c>…), <c>*</c> for none.
/// </param>
/// <param name="IsExact">
/// False when the request does not say the whole ARN: a part the request leaves out is <c>*</c> (a task
/// definition named by family alone, a load balancer's id before it exists), or an IAM path, which the request
/// does not carry, is assumed to be <c>/</c>, or a secret's random suffix is <c>??????</c>. The caller may
/// look the resource up and replace <see cref="Arn"/> before evaluating; as it is, it matches the policies
/// that cover every resource it could be.
/// </param>
public sealed record RequestedResource(string Arn, string Type, bool IsExact)
{
    public static readonly RequestedResource Any = new("*", "*", true);
}
