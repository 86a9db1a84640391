using Berth.Api.Protocol;
using Berth.Api.Query;
using Berth.Control.Identity;
using Berth.Core.Iam;
using static Berth.Api.Iam.IamMembers;

namespace Berth.Api.Iam;

/// <summary>A user's inline policies and attached managed policies.</summary>
internal sealed class IamPolicyHandler(IamUsers users)
{
    public void Register(QueryService service) => service
        .Add<PutUserPolicyRequest, PutUserPolicyResponse>(PutUserPolicyAsync)
        .Add<GetUserPolicyRequest, GetUserPolicyResponse>(GetUserPolicyAsync)
        .Add<ListUserPoliciesRequest, ListUserPoliciesResponse>(ListUserPoliciesAsync)
        .Add<DeleteUserPolicyRequest, DeleteUserPolicyResponse>(DeleteUserPolicyAsync)
        .Add<AttachUserPolicyRequest, AttachUserPolicyResponse>(AttachUserPolicyAsync)
        .Add<DetachUserPolicyRequest, DetachUserPolicyResponse>(DetachUserPolicyAsync)
        .Add<ListAttachedUserPoliciesRequest, ListAttachedUserPoliciesResponse>(ListAttachedUserPoliciesAsync);

    private async Task<PutUserPolicyResponse> PutUserPolicyAsync(PutUserPolicyRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        await users.PutPolicyAsync(context.Scope.AccountId, Required(request.UserName, "userName"), Name(request.PolicyName, "policyName", 128),
            Required(request.PolicyDocument, "policyDocument"), cancellationToken).ConfigureAwait(false);
        return new PutUserPolicyResponse();
    }

    private async Task<GetUserPolicyResponse> GetUserPolicyAsync(GetUserPolicyRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        var userName = Required(request.UserName, "userName");
        var policyName = Required(request.PolicyName, "policyName");
        var document = await users.GetPolicyAsync(context.Scope.AccountId, userName, policyName, cancellationToken).ConfigureAwait(false);
        return new GetUserPolicyResponse { UserName = userName, PolicyName = policyName, PolicyDocument = IamViews.Document(document) };
    }

    private async Task<ListUserPoliciesResponse> ListUserPoliciesAsync(ListUserPoliciesRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        var user = await users.GetAsync(context.Scope.AccountId, Required(request.UserName, "userName"), cancellationToken).ConfigureAwait(false);
        var page = IamPage.Of(user.InlinePolicies.Keys, n => n, request.Marker, request.MaxItems);
        return new ListUserPoliciesResponse { PolicyNames = page.Items, IsTruncated = page.NextToken is not null, Marker = page.NextToken };
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
        var (policies, next) = IamViews.AttachedPage(user.AttachedPolicyArns, request.PathPrefix, request.Marker, request.MaxItems);
        return new ListAttachedUserPoliciesResponse { AttachedPolicies = policies, IsTruncated = next is not null, Marker = next };
    }
}
