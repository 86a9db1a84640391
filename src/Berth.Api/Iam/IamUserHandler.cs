using Berth.Api.Protocol;
using Berth.Api.Query;
using Berth.Control.Identity;
using Berth.Core.Errors;
using Berth.Core.Iam;
using Berth.Core.Identity.Credentials;
using static Berth.Api.Iam.IamMembers;
using PrincipalArns = Berth.Core.Identity.Authorization.PrincipalArns;

namespace Berth.Api.Iam;

/// <summary>IAM users and their access keys.</summary>
internal sealed class IamUserHandler(IamUsers users)
{
    public void Register(QueryService service) => service
        .Add<CreateUserRequest, CreateUserResponse>(CreateUserAsync)
        .Add<GetUserRequest, GetUserResponse>(GetUserAsync)
        .Add<ListUsersRequest, ListUsersResponse>(ListUsersAsync)
        .Add<DeleteUserRequest, DeleteUserResponse>(DeleteUserAsync)
        .Add<PutUserPermissionsBoundaryRequest, PutUserPermissionsBoundaryResponse>(PutUserPermissionsBoundaryAsync)
        .Add<DeleteUserPermissionsBoundaryRequest, DeleteUserPermissionsBoundaryResponse>(DeleteUserPermissionsBoundaryAsync)
        .Add<CreateAccessKeyRequest, CreateAccessKeyResponse>(CreateAccessKeyAsync)
        .Add<ListAccessKeysRequest, ListAccessKeysResponse>(ListAccessKeysAsync)
        .Add<UpdateAccessKeyRequest, UpdateAccessKeyResponse>(UpdateAccessKeyAsync)
        .Add<DeleteAccessKeyRequest, DeleteAccessKeyResponse>(DeleteAccessKeyAsync)
        .Add<TagUserRequest, TagUserResponse>(TagUserAsync)
        .Add<UntagUserRequest, UntagUserResponse>(UntagUserAsync)
        .Add<ListUserTagsRequest, ListUserTagsResponse>(ListUserTagsAsync);

    private async Task<CreateUserResponse> CreateUserAsync(CreateUserRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        var user = await users.CreateAsync(context.Scope.AccountId, Name(request.UserName, "userName", 64), Path(request.Path), Tags(request.Tags),
            cancellationToken, request.PermissionsBoundary).ConfigureAwait(false);
        return new CreateUserResponse { User = IamViews.User(user) };
    }

    /// <summary>Without a user name, the caller itself, as IAM answers (the root user has no user record: its ARN and account id).</summary>
    private async Task<GetUserResponse> GetUserAsync(GetUserRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        if ((request.UserName ?? PrincipalArns.UserName(context.PrincipalArn)) is not { } name)
        {
            return new GetUserResponse { User = new User { UserId = context.Scope.AccountId, Arn = context.PrincipalArn, Path = "/", UserName = "" } };
        }
        return new GetUserResponse { User = IamViews.User(await users.GetAsync(context.Scope.AccountId, name, cancellationToken).ConfigureAwait(false)) };
    }

    private async Task<ListUsersResponse> ListUsersAsync(ListUsersRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        var list = await users.ListAsync(context.Scope.AccountId, request.PathPrefix, cancellationToken).ConfigureAwait(false);
        // ListUsers leaves out tags and the permissions boundary (GetUser gives them), as IAM does.
        var page = IamPage.Of(list, u => u.UserName.ToLowerInvariant(), request.Marker, request.MaxItems);
        return new ListUsersResponse { Users = [.. page.Items.Select(u => IamViews.User(u) with { Tags = null, PermissionsBoundary = null })], IsTruncated = page.NextToken is not null, Marker = page.NextToken };
    }

    private async Task<DeleteUserResponse> DeleteUserAsync(DeleteUserRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        await users.DeleteAsync(context.Scope.AccountId, Required(request.UserName, "userName"), cancellationToken).ConfigureAwait(false);
        return new DeleteUserResponse();
    }

    private async Task<PutUserPermissionsBoundaryResponse> PutUserPermissionsBoundaryAsync(PutUserPermissionsBoundaryRequest request, RequestContext context,
        CancellationToken cancellationToken)
    {
        await users.SetPermissionsBoundaryAsync(context.Scope.AccountId, Required(request.UserName, "userName"),
            Required(request.PermissionsBoundary, "permissionsBoundary"), cancellationToken).ConfigureAwait(false);
        return new PutUserPermissionsBoundaryResponse();
    }

    private async Task<DeleteUserPermissionsBoundaryResponse> DeleteUserPermissionsBoundaryAsync(DeleteUserPermissionsBoundaryRequest request,
        RequestContext context, CancellationToken cancellationToken)
    {
        await users.SetPermissionsBoundaryAsync(context.Scope.AccountId, Required(request.UserName, "userName"), null, cancellationToken).ConfigureAwait(false);
        return new DeleteUserPermissionsBoundaryResponse();
    }

    private async Task<CreateAccessKeyResponse> CreateAccessKeyAsync(CreateAccessKeyRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        var key = await users.CreateAccessKeyAsync(context.Scope.AccountId, request.UserName, context.PrincipalArn, cancellationToken).ConfigureAwait(false);
        return new CreateAccessKeyResponse
        {
            AccessKey = new AccessKey
            {
                UserName = OwnerName(request.UserName, context),
                AccessKeyId = key.AccessKeyId,
                SecretAccessKey = key.SecretAccessKey,
                Status = AccessKeyRecord.Active,
                CreateDate = key.CreateDate,
            },
        };
    }

    private async Task<ListAccessKeysResponse> ListAccessKeysAsync(ListAccessKeysRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        var keys = await users.ListAccessKeysAsync(context.Scope.AccountId, request.UserName, context.PrincipalArn, cancellationToken).ConfigureAwait(false);
        var owner = OwnerName(request.UserName, context);
        return new ListAccessKeysResponse
        {
            AccessKeyMetadata = [.. keys.Select(k => new AccessKeyMetadata { UserName = owner, AccessKeyId = k.AccessKeyId, Status = k.Status, CreateDate = k.CreateDate })],
            IsTruncated = false,
        };
    }

    private async Task<UpdateAccessKeyResponse> UpdateAccessKeyAsync(UpdateAccessKeyRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        var status = Required(request.Status, "status");
        if (status is not (AccessKeyRecord.Active or AccessKeyRecord.Inactive))
        {
            throw new QueryValidationException(
                $"1 validation error detected: Value '{status}' at 'status' failed to satisfy constraint: Member must satisfy enum value set: [Active, Inactive]");
        }
        await users.UpdateAccessKeyAsync(context.Scope.AccountId, request.UserName, context.PrincipalArn, Required(request.AccessKeyId, "accessKeyId"), status,
            cancellationToken).ConfigureAwait(false);
        return new UpdateAccessKeyResponse();
    }

    private async Task<DeleteAccessKeyResponse> DeleteAccessKeyAsync(DeleteAccessKeyRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        await users.DeleteAccessKeyAsync(context.Scope.AccountId, request.UserName, context.PrincipalArn, Required(request.AccessKeyId, "accessKeyId"),
            cancellationToken).ConfigureAwait(false);
        return new DeleteAccessKeyResponse();
    }

    private async Task<TagUserResponse> TagUserAsync(TagUserRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        await users.TagAsync(context.Scope.AccountId, Required(request.UserName, "userName"), Tags(Required(request.Tags, "tags")), cancellationToken)
            .ConfigureAwait(false);
        return new TagUserResponse();
    }

    private async Task<UntagUserResponse> UntagUserAsync(UntagUserRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        await users.UntagAsync(context.Scope.AccountId, Required(request.UserName, "userName"), Required(request.TagKeys, "tagKeys"), cancellationToken)
            .ConfigureAwait(false);
        return new UntagUserResponse();
    }

    private async Task<ListUserTagsResponse> ListUserTagsAsync(ListUserTagsRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        var user = await users.GetAsync(context.Scope.AccountId, Required(request.UserName, "userName"), cancellationToken).ConfigureAwait(false);
        var page = IamPage.Of(IamViews.Tags(user.Tags) ?? [], t => t.Key!, request.Marker, request.MaxItems);
        return new ListUserTagsResponse { Tags = page.Items, IsTruncated = page.NextToken is not null, Marker = page.NextToken };
    }

    /// <summary>The user name a key listing shows: the named user, or the calling user; none for the root user's own keys.</summary>
    private static string? OwnerName(string? userName, RequestContext context) =>
        userName ?? PrincipalArns.UserName(context.PrincipalArn);
}
