using Berth.Api.Protocol;
using Berth.Api.Query;
using Berth.Control.Identity;
using Berth.Core.Iam;
using static Berth.Api.Iam.IamMembers;

namespace Berth.Api.Iam;

/// <summary>IAM groups: their members, inline policies and attached managed policies.</summary>
internal sealed class IamGroupHandler(IamGroups groups, IamUsers users)
{
    private const int MaxGroupName = 128;

    public void Register(QueryService service) => service
        .Add<CreateGroupRequest, CreateGroupResponse>(CreateGroupAsync)
        .Add<GetGroupRequest, GetGroupResponse>(GetGroupAsync)
        .Add<ListGroupsRequest, ListGroupsResponse>(ListGroupsAsync)
        .Add<UpdateGroupRequest, UpdateGroupResponse>(UpdateGroupAsync)
        .Add<DeleteGroupRequest, DeleteGroupResponse>(DeleteGroupAsync)
        .Add<AddUserToGroupRequest, AddUserToGroupResponse>(AddUserToGroupAsync)
        .Add<RemoveUserFromGroupRequest, RemoveUserFromGroupResponse>(RemoveUserFromGroupAsync)
        .Add<ListGroupsForUserRequest, ListGroupsForUserResponse>(ListGroupsForUserAsync)
        .Add<PutGroupPolicyRequest, PutGroupPolicyResponse>(PutGroupPolicyAsync)
        .Add<GetGroupPolicyRequest, GetGroupPolicyResponse>(GetGroupPolicyAsync)
        .Add<ListGroupPoliciesRequest, ListGroupPoliciesResponse>(ListGroupPoliciesAsync)
        .Add<DeleteGroupPolicyRequest, DeleteGroupPolicyResponse>(DeleteGroupPolicyAsync)
        .Add<AttachGroupPolicyRequest, AttachGroupPolicyResponse>(AttachGroupPolicyAsync)
        .Add<DetachGroupPolicyRequest, DetachGroupPolicyResponse>(DetachGroupPolicyAsync)
        .Add<ListAttachedGroupPoliciesRequest, ListAttachedGroupPoliciesResponse>(ListAttachedGroupPoliciesAsync);

    private async Task<CreateGroupResponse> CreateGroupAsync(CreateGroupRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        var group = await groups.CreateAsync(context.Scope.AccountId, Name(request.GroupName, "groupName", MaxGroupName), Path(request.Path), cancellationToken)
            .ConfigureAwait(false);
        return new CreateGroupResponse { Group = IamViews.Group(group) };
    }

    /// <summary>The group and its members, paged by user name; members are shown without tags, as IAM shows them.</summary>
    private async Task<GetGroupResponse> GetGroupAsync(GetGroupRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        var group = await groups.GetAsync(context.Scope.AccountId, Required(request.GroupName, "groupName"), cancellationToken).ConfigureAwait(false);
        var page = IamPage.Of(group.UserNames, n => n.ToLowerInvariant(), request.Marker, request.MaxItems);
        var members = new List<User>();
        foreach (var name in page.Items)
        {
            // A member deleted by another server meanwhile is left out.
            if (await users.FindAsync(context.Scope.AccountId, name, cancellationToken).ConfigureAwait(false) is { } user)
            {
                members.Add(IamViews.User(user) with { Tags = null, PermissionsBoundary = null });
            }
        }
        return new GetGroupResponse { Group = IamViews.Group(group), Users = members, IsTruncated = page.NextToken is not null, Marker = page.NextToken };
    }

    private async Task<ListGroupsResponse> ListGroupsAsync(ListGroupsRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        var list = await groups.ListAsync(context.Scope.AccountId, request.PathPrefix, cancellationToken).ConfigureAwait(false);
        var page = IamPage.Of(list, g => g.GroupName.ToLowerInvariant(), request.Marker, request.MaxItems);
        return new ListGroupsResponse { Groups = [.. page.Items.Select(IamViews.Group)], IsTruncated = page.NextToken is not null, Marker = page.NextToken };
    }

    private async Task<UpdateGroupResponse> UpdateGroupAsync(UpdateGroupRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        var newName = request.NewGroupName is null ? null : Name(request.NewGroupName, "newGroupName", MaxGroupName);
        await groups.UpdateAsync(context.Scope.AccountId, Required(request.GroupName, "groupName"), newName, Path(request.NewPath), cancellationToken)
            .ConfigureAwait(false);
        return new UpdateGroupResponse();
    }

    private async Task<DeleteGroupResponse> DeleteGroupAsync(DeleteGroupRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        await groups.DeleteAsync(context.Scope.AccountId, Required(request.GroupName, "groupName"), cancellationToken).ConfigureAwait(false);
        return new DeleteGroupResponse();
    }

    private async Task<AddUserToGroupResponse> AddUserToGroupAsync(AddUserToGroupRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        await groups.AddUserAsync(context.Scope.AccountId, Required(request.GroupName, "groupName"), Required(request.UserName, "userName"), cancellationToken)
            .ConfigureAwait(false);
        return new AddUserToGroupResponse();
    }

    private async Task<RemoveUserFromGroupResponse> RemoveUserFromGroupAsync(RemoveUserFromGroupRequest request, RequestContext context,
        CancellationToken cancellationToken)
    {
        await groups.RemoveUserAsync(context.Scope.AccountId, Required(request.GroupName, "groupName"), Required(request.UserName, "userName"), cancellationToken)
            .ConfigureAwait(false);
        return new RemoveUserFromGroupResponse();
    }

    private async Task<ListGroupsForUserResponse> ListGroupsForUserAsync(ListGroupsForUserRequest request, RequestContext context,
        CancellationToken cancellationToken)
    {
        var list = await groups.ForUserAsync(context.Scope.AccountId, Required(request.UserName, "userName"), cancellationToken).ConfigureAwait(false);
        var page = IamPage.Of(list, g => g.GroupName.ToLowerInvariant(), request.Marker, request.MaxItems);
        return new ListGroupsForUserResponse { Groups = [.. page.Items.Select(IamViews.Group)], IsTruncated = page.NextToken is not null, Marker = page.NextToken };
    }

    private async Task<PutGroupPolicyResponse> PutGroupPolicyAsync(PutGroupPolicyRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        await groups.PutPolicyAsync(context.Scope.AccountId, Required(request.GroupName, "groupName"), Name(request.PolicyName, "policyName", 128),
            Required(request.PolicyDocument, "policyDocument"), cancellationToken).ConfigureAwait(false);
        return new PutGroupPolicyResponse();
    }

    private async Task<GetGroupPolicyResponse> GetGroupPolicyAsync(GetGroupPolicyRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        var groupName = Required(request.GroupName, "groupName");
        var policyName = Required(request.PolicyName, "policyName");
        var document = await groups.GetPolicyAsync(context.Scope.AccountId, groupName, policyName, cancellationToken).ConfigureAwait(false);
        return new GetGroupPolicyResponse { GroupName = groupName, PolicyName = policyName, PolicyDocument = IamViews.Document(document) };
    }

    private async Task<ListGroupPoliciesResponse> ListGroupPoliciesAsync(ListGroupPoliciesRequest request, RequestContext context,
        CancellationToken cancellationToken)
    {
        var group = await groups.GetAsync(context.Scope.AccountId, Required(request.GroupName, "groupName"), cancellationToken).ConfigureAwait(false);
        var page = IamPage.Of(group.InlinePolicies.Keys, n => n, request.Marker, request.MaxItems);
        return new ListGroupPoliciesResponse { PolicyNames = page.Items, IsTruncated = page.NextToken is not null, Marker = page.NextToken };
    }

    private async Task<DeleteGroupPolicyResponse> DeleteGroupPolicyAsync(DeleteGroupPolicyRequest request, RequestContext context,
        CancellationToken cancellationToken)
    {
        await groups.DeletePolicyAsync(context.Scope.AccountId, Required(request.GroupName, "groupName"), Required(request.PolicyName, "policyName"),
            cancellationToken).ConfigureAwait(false);
        return new DeleteGroupPolicyResponse();
    }

    private async Task<AttachGroupPolicyResponse> AttachGroupPolicyAsync(AttachGroupPolicyRequest request, RequestContext context,
        CancellationToken cancellationToken)
    {
        await groups.AttachPolicyAsync(context.Scope.AccountId, Required(request.GroupName, "groupName"), Required(request.PolicyArn, "policyArn"),
            cancellationToken).ConfigureAwait(false);
        return new AttachGroupPolicyResponse();
    }

    private async Task<DetachGroupPolicyResponse> DetachGroupPolicyAsync(DetachGroupPolicyRequest request, RequestContext context,
        CancellationToken cancellationToken)
    {
        await groups.DetachPolicyAsync(context.Scope.AccountId, Required(request.GroupName, "groupName"), Required(request.PolicyArn, "policyArn"),
            cancellationToken).ConfigureAwait(false);
        return new DetachGroupPolicyResponse();
    }

    private async Task<ListAttachedGroupPoliciesResponse> ListAttachedGroupPoliciesAsync(ListAttachedGroupPoliciesRequest request, RequestContext context,
        CancellationToken cancellationToken)
    {
        var group = await groups.GetAsync(context.Scope.AccountId, Required(request.GroupName, "groupName"), cancellationToken).ConfigureAwait(false);
        var (policies, next) = IamViews.AttachedPage(group.AttachedPolicyArns, request.PathPrefix, request.Marker, request.MaxItems);
        return new ListAttachedGroupPoliciesResponse { AttachedPolicies = policies, IsTruncated = next is not null, Marker = next };
    }
}
