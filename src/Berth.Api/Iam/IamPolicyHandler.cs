using System.Security.Cryptography;
using System.Text;
using Berth.Api.Protocol;
using Berth.Api.Query;
using Berth.Control.Identity;
using Berth.Core.Errors;
using Berth.Core.Iam;
using Berth.Core.Identity.Policies;
using static Berth.Api.Iam.IamMembers;

namespace Berth.Api.Iam;

/// <summary>A user's inline policies, its attached AWS managed policies, and those managed policies themselves.</summary>
internal sealed class IamPolicyHandler(IamUsers users)
{
    // The managed policies' dates are AWS's business; IAM reports them, so Berth reports one fixed date for all.
    private static readonly DateTimeOffset ManagedPolicyDate = new(2015, 2, 6, 18, 39, 46, TimeSpan.Zero);

    public void Register(QueryService service) => service
        .Add<PutUserPolicyRequest, PutUserPolicyResponse>(PutUserPolicyAsync)
        .Add<GetUserPolicyRequest, GetUserPolicyResponse>(GetUserPolicyAsync)
        .Add<ListUserPoliciesRequest, ListUserPoliciesResponse>(ListUserPoliciesAsync)
        .Add<DeleteUserPolicyRequest, DeleteUserPolicyResponse>(DeleteUserPolicyAsync)
        .Add<AttachUserPolicyRequest, AttachUserPolicyResponse>(AttachUserPolicyAsync)
        .Add<DetachUserPolicyRequest, DetachUserPolicyResponse>(DetachUserPolicyAsync)
        .Add<ListAttachedUserPoliciesRequest, ListAttachedUserPoliciesResponse>(ListAttachedUserPoliciesAsync)
        .Add<ListPoliciesRequest, ListPoliciesResponse>(ListPoliciesAsync)
        .Add<GetPolicyRequest, GetPolicyResponse>(GetPolicyAsync);

    private async Task<PutUserPolicyResponse> PutUserPolicyAsync(PutUserPolicyRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        await users.PutPolicyAsync(context.Scope.AccountId, Required(request.UserName, "userName"), Name(request.PolicyName, "policyName", 128),
            Required(request.PolicyDocument, "policyDocument"), cancellationToken).ConfigureAwait(false);
        return new PutUserPolicyResponse();
    }

    /// <summary>IAM answers the document URL-encoded (RFC 3986), which the SDKs decode.</summary>
    private async Task<GetUserPolicyResponse> GetUserPolicyAsync(GetUserPolicyRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        var userName = Required(request.UserName, "userName");
        var policyName = Required(request.PolicyName, "policyName");
        var document = await users.GetPolicyAsync(context.Scope.AccountId, userName, policyName, cancellationToken).ConfigureAwait(false);
        return new GetUserPolicyResponse { UserName = userName, PolicyName = policyName, PolicyDocument = Uri.EscapeDataString(document) };
    }

    private async Task<ListUserPoliciesResponse> ListUserPoliciesAsync(ListUserPoliciesRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        var user = await users.GetAsync(context.Scope.AccountId, Required(request.UserName, "userName"), cancellationToken).ConfigureAwait(false);
        return new ListUserPoliciesResponse { PolicyNames = [.. user.InlinePolicies.Keys.Order(StringComparer.Ordinal)], IsTruncated = false };
    }

    private async Task<DeleteUserPolicyResponse> DeleteUserPolicyAsync(DeleteUserPolicyRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        await users.DeletePolicyAsync(context.Scope.AccountId, Required(request.UserName, "userName"), Required(request.PolicyName, "policyName"),
            cancellationToken).ConfigureAwait(false);
        return new DeleteUserPolicyResponse();
    }

    private async Task<AttachUserPolicyResponse> AttachUserPolicyAsync(AttachUserPolicyRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        await users.AttachPolicyAsync(context.Scope.AccountId, Required(request.UserName, "userName"), Required(request.PolicyArn, "policyArn"),
            cancellationToken).ConfigureAwait(false);
        return new AttachUserPolicyResponse();
    }

    private async Task<DetachUserPolicyResponse> DetachUserPolicyAsync(DetachUserPolicyRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        await users.DetachPolicyAsync(context.Scope.AccountId, Required(request.UserName, "userName"), Required(request.PolicyArn, "policyArn"),
            cancellationToken).ConfigureAwait(false);
        return new DetachUserPolicyResponse();
    }

    private async Task<ListAttachedUserPoliciesResponse> ListAttachedUserPoliciesAsync(ListAttachedUserPoliciesRequest request, RequestContext context,
        CancellationToken cancellationToken)
    {
        var user = await users.GetAsync(context.Scope.AccountId, Required(request.UserName, "userName"), cancellationToken).ConfigureAwait(false);
        var attached = user.AttachedPolicyArns.Select(a => AwsManagedPolicies.Find(a)!).Where(p => p.Path.StartsWith(request.PathPrefix ?? "/", StringComparison.Ordinal));
        return new ListAttachedUserPoliciesResponse
        {
            AttachedPolicies = [.. attached.Select(p => new AttachedPolicy { PolicyName = p.Name, PolicyArn = p.Arn })],
            IsTruncated = false,
        };
    }

    /// <summary>The AWS managed policies (Scope All or AWS); Berth has no customer managed policies yet, so Scope Local lists none.</summary>
    private async Task<ListPoliciesResponse> ListPoliciesAsync(ListPoliciesRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        if (request.PolicyUsageFilter is not null)
        {
            throw new QueryUnsupportedException("Berth has no permissions boundaries: ListPolicies takes no PolicyUsageFilter.");
        }
        var candidates = request.Scope == "Local"
            ? []
            : AwsManagedPolicies.All.Where(p => p.Path.StartsWith(request.PathPrefix ?? "/", StringComparison.Ordinal));
        var policies = new List<Policy>();
        foreach (var policy in candidates)
        {
            var shape = await ShapeAsync(policy, context, cancellationToken).ConfigureAwait(false);
            if (request.OnlyAttached != true || shape.AttachmentCount > 0)
            {
                policies.Add(shape);
            }
        }
        return new ListPoliciesResponse { Policies = policies, IsTruncated = false };
    }

    private async Task<GetPolicyResponse> GetPolicyAsync(GetPolicyRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        var arn = Required(request.PolicyArn, "policyArn");
        var policy = AwsManagedPolicies.Find(arn) ?? throw new NoSuchEntityException($"Policy {arn} was not found.");
        return new GetPolicyResponse { Policy = await ShapeAsync(policy, context, cancellationToken).ConfigureAwait(false) };
    }

    private async Task<Policy> ShapeAsync(AwsManagedPolicy policy, RequestContext context, CancellationToken cancellationToken) => new()
    {
        PolicyName = policy.Name,
        // AWS's policy ids are stable per policy: derived from the ARN, so every account sees the same one.
        PolicyId = "ANPA" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(policy.Arn)))[..17],
        Arn = policy.Arn,
        Path = policy.Path,
        DefaultVersionId = policy.DefaultVersionId,
        AttachmentCount = await users.AttachmentCountAsync(context.Scope.AccountId, policy.Arn, cancellationToken).ConfigureAwait(false),
        PermissionsBoundaryUsageCount = 0,
        IsAttachable = true,
        Description = policy.Description,
        CreateDate = ManagedPolicyDate,
        UpdateDate = ManagedPolicyDate,
    };
}
