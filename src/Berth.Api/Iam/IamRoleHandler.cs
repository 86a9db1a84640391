using Berth.Api.Protocol;
using Berth.Api.Query;
using Berth.Control.Identity;
using Berth.Core.Errors;
using Berth.Core.Iam;
using Berth.Core.Identity.Credentials;
using static Berth.Api.Iam.IamMembers;

namespace Berth.Api.Iam;

/// <summary>IAM roles: the roles, their trust policies, tags, inline and attached policies, and ECS's service-linked role.</summary>
internal sealed class IamRoleHandler(IamRoles roles)
{
    /// <summary>The one service Berth makes a service-linked role for, and that role as IAM makes it.</summary>
    private const string EcsService = "ecs.amazonaws.com";

    private const string EcsServiceLinkedRoleName = "AWSServiceRoleForECS";

    private const string EcsServiceLinkedRoleTrust =
        """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs.amazonaws.com"},"Action":"sts:AssumeRole"}]}""";

    public void Register(QueryService service) => service
        .Add<CreateRoleRequest, CreateRoleResponse>(CreateRoleAsync)
        .Add<GetRoleRequest, GetRoleResponse>(GetRoleAsync)
        .Add<ListRolesRequest, ListRolesResponse>(ListRolesAsync)
        .Add<DeleteRoleRequest, DeleteRoleResponse>(DeleteRoleAsync)
        .Add<PutRolePermissionsBoundaryRequest, PutRolePermissionsBoundaryResponse>(PutRolePermissionsBoundaryAsync)
        .Add<DeleteRolePermissionsBoundaryRequest, DeleteRolePermissionsBoundaryResponse>(DeleteRolePermissionsBoundaryAsync)
        .Add<UpdateAssumeRolePolicyRequest, UpdateAssumeRolePolicyResponse>(UpdateAssumeRolePolicyAsync)
        .Add<TagRoleRequest, TagRoleResponse>(TagRoleAsync)
        .Add<UntagRoleRequest, UntagRoleResponse>(UntagRoleAsync)
        .Add<ListRoleTagsRequest, ListRoleTagsResponse>(ListRoleTagsAsync)
        .Add<PutRolePolicyRequest, PutRolePolicyResponse>(PutRolePolicyAsync)
        .Add<GetRolePolicyRequest, GetRolePolicyResponse>(GetRolePolicyAsync)
        .Add<ListRolePoliciesRequest, ListRolePoliciesResponse>(ListRolePoliciesAsync)
        .Add<DeleteRolePolicyRequest, DeleteRolePolicyResponse>(DeleteRolePolicyAsync)
        .Add<AttachRolePolicyRequest, AttachRolePolicyResponse>(AttachRolePolicyAsync)
        .Add<DetachRolePolicyRequest, DetachRolePolicyResponse>(DetachRolePolicyAsync)
        .Add<ListAttachedRolePoliciesRequest, ListAttachedRolePoliciesResponse>(ListAttachedRolePoliciesAsync)
        .Add<ListInstanceProfilesForRoleRequest, ListInstanceProfilesForRoleResponse>(ListInstanceProfilesForRoleAsync)
        .Add<CreateServiceLinkedRoleRequest, CreateServiceLinkedRoleResponse>(CreateServiceLinkedRoleAsync);

    private async Task<CreateRoleResponse> CreateRoleAsync(CreateRoleRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        var role = await roles.CreateAsync(context.Scope.AccountId, Name(request.RoleName, "roleName", 64), Path(request.Path),
            Required(request.AssumeRolePolicyDocument, "assumeRolePolicyDocument"), Description(request.Description),
            MaxSessionDuration(request.MaxSessionDuration), Tags(request.Tags), cancellationToken, request.PermissionsBoundary).ConfigureAwait(false);
        return new CreateRoleResponse { Role = IamViews.Role(role) };
    }

    private async Task<GetRoleResponse> GetRoleAsync(GetRoleRequest request, RequestContext context, CancellationToken cancellationToken) =>
        new() { Role = IamViews.Role(await GetAsync(request.RoleName, context, cancellationToken).ConfigureAwait(false)) };

    private async Task<ListRolesResponse> ListRolesAsync(ListRolesRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        var list = await roles.ListAsync(context.Scope.AccountId, request.PathPrefix, cancellationToken).ConfigureAwait(false);
        // ListRoles leaves out tags and the permissions boundary (GetRole gives them), as IAM does.
        var page = IamPage.Of(list, r => r.RoleName.ToLowerInvariant(), request.Marker, request.MaxItems);
        return new ListRolesResponse
        {
            Roles = [.. page.Items.Select(r => IamViews.Role(r) with { Tags = null, PermissionsBoundary = null })],
            IsTruncated = page.NextToken is not null,
            Marker = page.NextToken,
        };
    }

    private async Task<DeleteRoleResponse> DeleteRoleAsync(DeleteRoleRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        var role = await GetModifiableAsync(request.RoleName, context, cancellationToken).ConfigureAwait(false);
        await roles.DeleteAsync(context.Scope.AccountId, role.RoleName, cancellationToken).ConfigureAwait(false);
        return new DeleteRoleResponse();
    }

    private async Task<PutRolePermissionsBoundaryResponse> PutRolePermissionsBoundaryAsync(PutRolePermissionsBoundaryRequest request, RequestContext context,
        CancellationToken cancellationToken)
    {
        var role = await GetModifiableAsync(request.RoleName, context, cancellationToken).ConfigureAwait(false);
        await roles.SetPermissionsBoundaryAsync(context.Scope.AccountId, role.RoleName, Required(request.PermissionsBoundary, "permissionsBoundary"),
            cancellationToken).ConfigureAwait(false);
        return new PutRolePermissionsBoundaryResponse();
    }

    private async Task<DeleteRolePermissionsBoundaryResponse> DeleteRolePermissionsBoundaryAsync(DeleteRolePermissionsBoundaryRequest request,
        RequestContext context, CancellationToken cancellationToken)
    {
        var role = await GetModifiableAsync(request.RoleName, context, cancellationToken).ConfigureAwait(false);
        await roles.SetPermissionsBoundaryAsync(context.Scope.AccountId, role.RoleName, null, cancellationToken).ConfigureAwait(false);
        return new DeleteRolePermissionsBoundaryResponse();
    }

    private async Task<UpdateAssumeRolePolicyResponse> UpdateAssumeRolePolicyAsync(UpdateAssumeRolePolicyRequest request, RequestContext context,
        CancellationToken cancellationToken)
    {
        var role = await GetModifiableAsync(request.RoleName, context, cancellationToken).ConfigureAwait(false);
        await roles.UpdateAssumeRolePolicyAsync(context.Scope.AccountId, role.RoleName, Required(request.PolicyDocument, "policyDocument"),
            cancellationToken).ConfigureAwait(false);
        return new UpdateAssumeRolePolicyResponse();
    }

    private async Task<TagRoleResponse> TagRoleAsync(TagRoleRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        await roles.TagAsync(context.Scope.AccountId, Required(request.RoleName, "roleName"), Tags(Required(request.Tags, "tags")), cancellationToken)
            .ConfigureAwait(false);
        return new TagRoleResponse();
    }

    private async Task<UntagRoleResponse> UntagRoleAsync(UntagRoleRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        await roles.UntagAsync(context.Scope.AccountId, Required(request.RoleName, "roleName"), Required(request.TagKeys, "tagKeys"), cancellationToken)
            .ConfigureAwait(false);
        return new UntagRoleResponse();
    }

    private async Task<ListRoleTagsResponse> ListRoleTagsAsync(ListRoleTagsRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        var role = await GetAsync(request.RoleName, context, cancellationToken).ConfigureAwait(false);
        var page = IamPage.Of(IamViews.Tags(role.Tags) ?? [], t => t.Key!, request.Marker, request.MaxItems);
        return new ListRoleTagsResponse { Tags = page.Items, IsTruncated = page.NextToken is not null, Marker = page.NextToken };
    }

    private async Task<PutRolePolicyResponse> PutRolePolicyAsync(PutRolePolicyRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        var role = await GetModifiableAsync(request.RoleName, context, cancellationToken).ConfigureAwait(false);
        await roles.PutPolicyAsync(context.Scope.AccountId, role.RoleName, Name(request.PolicyName, "policyName", 128),
            Required(request.PolicyDocument, "policyDocument"), cancellationToken).ConfigureAwait(false);
        return new PutRolePolicyResponse();
    }

    private async Task<GetRolePolicyResponse> GetRolePolicyAsync(GetRolePolicyRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        var roleName = Required(request.RoleName, "roleName");
        var policyName = Required(request.PolicyName, "policyName");
        var document = await roles.GetPolicyAsync(context.Scope.AccountId, roleName, policyName, cancellationToken).ConfigureAwait(false);
        return new GetRolePolicyResponse { RoleName = roleName, PolicyName = policyName, PolicyDocument = IamViews.Document(document) };
    }

    private async Task<ListRolePoliciesResponse> ListRolePoliciesAsync(ListRolePoliciesRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        var role = await GetAsync(request.RoleName, context, cancellationToken).ConfigureAwait(false);
        var page = IamPage.Of(role.InlinePolicies.Keys, n => n, request.Marker, request.MaxItems);
        return new ListRolePoliciesResponse { PolicyNames = page.Items, IsTruncated = page.NextToken is not null, Marker = page.NextToken };
    }

    private async Task<DeleteRolePolicyResponse> DeleteRolePolicyAsync(DeleteRolePolicyRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        var role = await GetModifiableAsync(request.RoleName, context, cancellationToken).ConfigureAwait(false);
        await roles.DeletePolicyAsync(context.Scope.AccountId, role.RoleName, Required(request.PolicyName, "policyName"), cancellationToken).ConfigureAwait(false);
        return new DeleteRolePolicyResponse();
    }

    private async Task<AttachRolePolicyResponse> AttachRolePolicyAsync(AttachRolePolicyRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        var role = await GetModifiableAsync(request.RoleName, context, cancellationToken).ConfigureAwait(false);
        await roles.AttachPolicyAsync(context.Scope.AccountId, role.RoleName, Required(request.PolicyArn, "policyArn"), cancellationToken).ConfigureAwait(false);
        return new AttachRolePolicyResponse();
    }

    private async Task<DetachRolePolicyResponse> DetachRolePolicyAsync(DetachRolePolicyRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        var role = await GetModifiableAsync(request.RoleName, context, cancellationToken).ConfigureAwait(false);
        await roles.DetachPolicyAsync(context.Scope.AccountId, role.RoleName, Required(request.PolicyArn, "policyArn"), cancellationToken).ConfigureAwait(false);
        return new DetachRolePolicyResponse();
    }

    private async Task<ListAttachedRolePoliciesResponse> ListAttachedRolePoliciesAsync(ListAttachedRolePoliciesRequest request, RequestContext context,
        CancellationToken cancellationToken)
    {
        var role = await GetAsync(request.RoleName, context, cancellationToken).ConfigureAwait(false);
        var (policies, next) = IamViews.AttachedPage(role.AttachedPolicyArns, request.PathPrefix, request.Marker, request.MaxItems);
        return new ListAttachedRolePoliciesResponse { AttachedPolicies = policies, IsTruncated = next is not null, Marker = next };
    }

    /// <summary>Berth has no instance profiles (no EC2 to launch), so no role is in one; the role must exist, as IAM checks.</summary>
    private async Task<ListInstanceProfilesForRoleResponse> ListInstanceProfilesForRoleAsync(ListInstanceProfilesForRoleRequest request, RequestContext context,
        CancellationToken cancellationToken)
    {
        await GetAsync(request.RoleName, context, cancellationToken).ConfigureAwait(false);
        return new ListInstanceProfilesForRoleResponse { InstanceProfiles = [], IsTruncated = false };
    }

    /// <summary>
    /// ECS's service-linked role (AWSServiceRoleForECS under /aws-service-role/ecs.amazonaws.com/, trusted by ECS),
    /// which Terraform and the console create before a first cluster. Berth's ECS needs no role to act for it,
    /// so the role carries no policy; other services' roles are refused, since Berth does not run those services.
    /// </summary>
    private async Task<CreateServiceLinkedRoleResponse> CreateServiceLinkedRoleAsync(CreateServiceLinkedRoleRequest request, RequestContext context,
        CancellationToken cancellationToken)
    {
        var service = Required(request.AWSServiceName, "aWSServiceName");
        if (service != EcsService)
        {
            throw new InvalidInputException($"Berth makes service-linked roles only for {EcsService}, not for {service}.");
        }
        if (request.CustomSuffix is not null)
        {
            throw new InvalidInputException($"Custom suffix is not allowed for {EcsService}");
        }
        try
        {
            var role = await roles.CreateAsync(context.Scope.AccountId, EcsServiceLinkedRoleName, $"/aws-service-role/{EcsService}/", EcsServiceLinkedRoleTrust,
                Description(request.Description) ?? "Role to enable Amazon ECS to manage your cluster.", null, new Dictionary<string, string>(),
                cancellationToken).ConfigureAwait(false);
            return new CreateServiceLinkedRoleResponse { Role = IamViews.Role(role) };
        }
        catch (EntityAlreadyExistsException)
        {
            throw new InvalidInputException($"Service role name {EcsServiceLinkedRoleName} has been taken in this account, please try a different suffix.");
        }
    }

    private Task<IamRoleRecord> GetAsync(string? roleName, RequestContext context, CancellationToken cancellationToken) =>
        roles.GetAsync(context.Scope.AccountId, Required(roleName, "roleName"), cancellationToken);

    /// <summary>The role, unless it is a service-linked role, which only its service may change (IAM's UnmodifiableEntity).</summary>
    private async Task<IamRoleRecord> GetModifiableAsync(string? roleName, RequestContext context, CancellationToken cancellationToken)
    {
        var role = await GetAsync(roleName, context, cancellationToken).ConfigureAwait(false);
        return role.Path.StartsWith("/aws-service-role/", StringComparison.Ordinal)
            ? throw new UnmodifiableEntityException($"Cannot perform the operation on the protected role '{role.RoleName}' - this role is only modifiable by AWS")
            : role;
    }

    private static string? Description(string? description) => description is { Length: > 1000 }
        ? throw new QueryValidationException(
            "1 validation error detected: Value at 'description' failed to satisfy constraint: Member must have length less than or equal to 1000")
        : description;

    private static int? MaxSessionDuration(int? seconds) => seconds is < IamRoleRecord.DefaultMaxSessionDuration or > IamRoles.MaxMaxSessionDuration
        ? throw new QueryValidationException(
            $"1 validation error detected: Value '{seconds}' at 'maxSessionDuration' failed to satisfy constraint: Member must have value {(seconds < IamRoleRecord.DefaultMaxSessionDuration ? $"greater than or equal to {IamRoleRecord.DefaultMaxSessionDuration}" : $"less than or equal to {IamRoles.MaxMaxSessionDuration}")}")
        : seconds;
}
