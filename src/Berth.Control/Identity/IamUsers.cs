using Berth.Core.Iam;
using Berth.Core.Identity.Credentials;
using Berth.Core.Identity.Policies;
using Berth.Store;

namespace Berth.Control.Identity;

/// <summary>
/// IAM users of an account: the users, their access keys (through <see cref="AccessKeys"/>, so they sign like the
/// root key), their inline policies and the AWS managed policies attached to them. Errors are IAM's.
/// </summary>
public sealed class IamUsers(IStateStore store, AccessKeys keys, ManagedPolicies policies, IdentityChanges changes, TimeProvider time)
{
    private const string Entity = "user";

    /// <summary>IAM's quota of access keys per user.</summary>
    public const int MaxAccessKeysPerUser = 2;


    /// <param name="permissionsBoundary">The ARN of a managed policy to bound the user's permissions with.</param>
    public async Task<IamUserRecord> CreateAsync(string accountId, string userName, string? path, IReadOnlyDictionary<string, string> tags,
        CancellationToken cancellationToken, string? permissionsBoundary = null)
    {
        if (permissionsBoundary is not null)
        {
            await policies.RequireAttachableAsync(accountId, permissionsBoundary, cancellationToken).ConfigureAwait(false);
        }
        var userPath = path ?? "/";
        var user = new IamUserRecord(userName, IamIds.Unique("AIDA"), userPath,
            $"arn:aws:iam::{accountId}:user{userPath}{userName}", DateTimeOffset.FromUnixTimeSeconds(time.GetUtcNow().ToUnixTimeSeconds()),
            new Dictionary<string, string>(StringComparer.Ordinal), [], tags, permissionsBoundary);
        try
        {
            await store.CommitAsync([IdentityRecords.PutUser(accountId, user, expectedVersion: 0)], cancellationToken).ConfigureAwait(false);
        }
        catch (ConcurrencyConflictException)
        {
            throw new EntityAlreadyExistsException($"User with name {userName} already exists.");
        }
        return user;
    }

    /// <summary>The user, or null when the account has none of that name.</summary>
    public async Task<IamUserRecord?> FindAsync(string accountId, string userName, CancellationToken cancellationToken) =>
        (await store.GetAsync(IdentityRecords.Users, IdentityRecords.UserRecordId(accountId, userName), cancellationToken).ConfigureAwait(false))?.Value;

    public async Task<IamUserRecord> GetAsync(string accountId, string userName, CancellationToken cancellationToken) =>
        await FindAsync(accountId, userName, cancellationToken).ConfigureAwait(false) ?? throw NoSuchUser(userName);

    /// <summary>The account's users whose path starts with <paramref name="pathPrefix"/>, by name.</summary>
    public async Task<IReadOnlyList<IamUserRecord>> ListAsync(string accountId, string? pathPrefix, CancellationToken cancellationToken)
    {
        var users = await store.QueryAsync(IdentityRecords.Users, new RecordQuery(IdentityRecords.Users.Kind, IdentityRecords.AccountScope(accountId)),
            cancellationToken).ConfigureAwait(false);
        return [.. users.Select(u => u.Value).Where(u => u.Path.StartsWith(pathPrefix ?? "/", StringComparison.Ordinal))];
    }

    /// <summary>Deletes a user that has nothing left: IAM refuses while it has access keys, groups or policies.</summary>
    public Task DeleteAsync(string accountId, string userName, CancellationToken cancellationToken) =>
        store.RetryOnConflictAsync(async ct =>
        {
            var user = await ReadAsync(accountId, userName, ct).ConfigureAwait(false);
            if ((await keys.ListAsync(accountId, user.Value.Arn, ct).ConfigureAwait(false)).Count > 0)
            {
                throw new DeleteConflictException("Cannot delete entity, must delete access keys first.");
            }
            if ((await IamGroups.OfUserAsync(store, accountId, user.Value.UserName, ct).ConfigureAwait(false)).Count > 0)
            {
                throw new DeleteConflictException("Cannot delete entity, must remove users from all groups first.");
            }
            if (user.Value.InlinePolicies.Count > 0)
            {
                throw new DeleteConflictException("Cannot delete entity, must delete policies first.");
            }
            if (user.Value.AttachedPolicyArns.Count > 0)
            {
                throw new DeleteConflictException("Cannot delete entity, must detach all policies first.");
            }
            await store.CommitAsync([IdentityRecords.Users.Delete(user)], ct).ConfigureAwait(false);
            changes.Changed();
            return true;
        }, cancellationToken);

    /// <summary>A new key for the user, or without a user name for the caller itself (the root user too), as IAM does.</summary>
    public async Task<IssuedKey> CreateAccessKeyAsync(string accountId, string? userName, string callerArn, CancellationToken cancellationToken)
    {
        var owner = await KeyOwnerAsync(accountId, userName, callerArn, cancellationToken).ConfigureAwait(false);
        if ((await keys.ListAsync(accountId, owner, cancellationToken).ConfigureAwait(false)).Count >= MaxAccessKeysPerUser)
        {
            throw new LimitExceededException($"Cannot exceed quota for AccessKeysPerUser: {MaxAccessKeysPerUser}");
        }
        return await keys.CreateAsync(accountId, owner, AccessKeyRecord.LongTermPrefix, expiration: null, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<AccessKeyRecord>> ListAccessKeysAsync(string accountId, string? userName, string callerArn, CancellationToken cancellationToken)
    {
        var owner = await KeyOwnerAsync(accountId, userName, callerArn, cancellationToken).ConfigureAwait(false);
        return await keys.ListAsync(accountId, owner, cancellationToken).ConfigureAwait(false);
    }

    public async Task UpdateAccessKeyAsync(string accountId, string? userName, string callerArn, string accessKeyId, string status, CancellationToken cancellationToken)
    {
        var owner = await KeyOwnerAsync(accountId, userName, callerArn, cancellationToken).ConfigureAwait(false);
        if (!await keys.SetStatusAsync(accountId, owner, accessKeyId, status, cancellationToken).ConfigureAwait(false))
        {
            throw NoSuchKey(accessKeyId);
        }
    }

    public async Task DeleteAccessKeyAsync(string accountId, string? userName, string callerArn, string accessKeyId, CancellationToken cancellationToken)
    {
        var owner = await KeyOwnerAsync(accountId, userName, callerArn, cancellationToken).ConfigureAwait(false);
        if (!await keys.DeleteAsync(owner, accessKeyId, cancellationToken).ConfigureAwait(false))
        {
            throw NoSuchKey(accessKeyId);
        }
    }

    /// <summary>The principal whose keys an access-key operation means: the named user, or the caller.</summary>
    private async Task<string> KeyOwnerAsync(string accountId, string? userName, string callerArn, CancellationToken cancellationToken) =>
        userName is null ? callerArn : (await GetAsync(accountId, userName, cancellationToken).ConfigureAwait(false)).Arn;

    /// <summary>Adds or replaces an inline policy, after checking it is a valid identity policy.</summary>
    public Task PutPolicyAsync(string accountId, string userName, string policyName, string document, CancellationToken cancellationToken) =>
        UpdateAsync(accountId, userName, user => user with { InlinePolicies = PolicySet.Put(user.InlinePolicies, policyName, document) }, cancellationToken);

    public async Task<string> GetPolicyAsync(string accountId, string userName, string policyName, CancellationToken cancellationToken) =>
        PolicySet.Get((await GetAsync(accountId, userName, cancellationToken).ConfigureAwait(false)).InlinePolicies, policyName, Entity);

    public Task DeletePolicyAsync(string accountId, string userName, string policyName, CancellationToken cancellationToken) =>
        UpdateAsync(accountId, userName, user => user with { InlinePolicies = PolicySet.Remove(user.InlinePolicies, policyName, Entity) }, cancellationToken);

    /// <summary>Attaches an AWS or customer managed policy; attaching one twice changes nothing.</summary>
    public async Task AttachPolicyAsync(string accountId, string userName, string policyArn, CancellationToken cancellationToken)
    {
        await policies.RequireAttachableAsync(accountId, policyArn, cancellationToken).ConfigureAwait(false);
        await UpdateAsync(accountId, userName, user => user with { AttachedPolicyArns = PolicySet.Attach(user.AttachedPolicyArns, policyArn, "PoliciesPerUser") },
            cancellationToken).ConfigureAwait(false);
    }

    public Task DetachPolicyAsync(string accountId, string userName, string policyArn, CancellationToken cancellationToken) =>
        UpdateAsync(accountId, userName, user => user with { AttachedPolicyArns = PolicySet.Detach(user.AttachedPolicyArns, policyArn) }, cancellationToken);

    /// <summary>Sets (a managed policy's ARN) or removes (null) the user's permissions boundary.</summary>
    public async Task SetPermissionsBoundaryAsync(string accountId, string userName, string? policyArn, CancellationToken cancellationToken)
    {
        if (policyArn is not null)
        {
            await policies.RequireAttachableAsync(accountId, policyArn, cancellationToken).ConfigureAwait(false);
        }
        await UpdateAsync(accountId, userName, user => user with { PermissionsBoundaryArn = policyArn }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Adds or replaces tags (IAM compares tag keys without case, and keeps the latest spelling).</summary>
    public Task TagAsync(string accountId, string userName, IReadOnlyDictionary<string, string> tags, CancellationToken cancellationToken) =>
        UpdateAsync(accountId, userName, user => user with { Tags = ResourceTags.Add(user.Tags, tags) }, cancellationToken);

    public Task UntagAsync(string accountId, string userName, IReadOnlyList<string> tagKeys, CancellationToken cancellationToken) =>
        UpdateAsync(accountId, userName, user => user with { Tags = ResourceTags.Remove(user.Tags, tagKeys) }, cancellationToken);

    private Task UpdateAsync(string accountId, string userName, Func<IamUserRecord, IamUserRecord> change, CancellationToken cancellationToken) =>
        store.RetryOnConflictAsync(async ct =>
        {
            var user = await ReadAsync(accountId, userName, ct).ConfigureAwait(false);
            var changed = change(user.Value);
            if (changed != user.Value)
            {
                await store.CommitAsync([IdentityRecords.PutUser(accountId, changed, user.Version)], ct).ConfigureAwait(false);
                changes.Changed();
            }
            return true;
        }, cancellationToken);

    private async Task<Versioned<IamUserRecord>> ReadAsync(string accountId, string userName, CancellationToken cancellationToken) =>
        await store.GetAsync(IdentityRecords.Users, IdentityRecords.UserRecordId(accountId, userName), cancellationToken).ConfigureAwait(false)
        ?? throw NoSuchUser(userName);

    private static NoSuchEntityException NoSuchUser(string userName) => new($"The user with name {userName} cannot be found.");

    private static NoSuchEntityException NoSuchKey(string accessKeyId) => new($"The Access Key with id {accessKeyId} cannot be found.");
}
