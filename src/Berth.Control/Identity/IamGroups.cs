using Berth.Core.Iam;
using Berth.Core.Identity.Credentials;
using Berth.Store;

namespace Berth.Control.Identity;

/// <summary>
/// IAM groups of an account: their members, and their inline and attached managed policies, which every member holds
/// besides its own (<see cref="RequestAuthorization"/>). Errors are IAM's.
/// </summary>
public sealed class IamGroups(IStateStore store, ManagedPolicies policies, IdentityChanges changes, TimeProvider time)
{
    private const string Entity = "group";

    public async Task<IamGroupRecord> CreateAsync(string accountId, string groupName, string? path, CancellationToken cancellationToken)
    {
        var groupPath = path ?? "/";
        var group = new IamGroupRecord(groupName, IamIds.Unique("AGPA"), groupPath, Arn(accountId, groupPath, groupName),
            DateTimeOffset.FromUnixTimeSeconds(time.GetUtcNow().ToUnixTimeSeconds()), new Dictionary<string, string>(StringComparer.Ordinal), [], []);
        try
        {
            await store.CommitAsync([IdentityRecords.PutGroup(accountId, group, expectedVersion: 0)], cancellationToken).ConfigureAwait(false);
        }
        catch (ConcurrencyConflictException)
        {
            throw GroupExists(groupName);
        }
        return group;
    }

    public async Task<IamGroupRecord> GetAsync(string accountId, string groupName, CancellationToken cancellationToken) =>
        (await ReadAsync(accountId, groupName, cancellationToken).ConfigureAwait(false)).Value;

    /// <summary>The account's groups whose path starts with <paramref name="pathPrefix"/>.</summary>
    public async Task<IReadOnlyList<IamGroupRecord>> ListAsync(string accountId, string? pathPrefix, CancellationToken cancellationToken) =>
        [.. (await AllAsync(store, accountId, cancellationToken).ConfigureAwait(false)).Where(g => g.Path.StartsWith(pathPrefix ?? "/", StringComparison.Ordinal))];

    /// <summary>The groups <paramref name="userName"/> belongs to (names compared without case, as IAM's are).</summary>
    public static async Task<IReadOnlyList<IamGroupRecord>> OfUserAsync(IStateStore store, string accountId, string userName, CancellationToken cancellationToken) =>
        [.. (await AllAsync(store, accountId, cancellationToken).ConfigureAwait(false))
            .Where(g => g.UserNames.Contains(userName, StringComparer.OrdinalIgnoreCase))];

    /// <summary>The groups of a user that must exist (ListGroupsForUser).</summary>
    public async Task<IReadOnlyList<IamGroupRecord>> ForUserAsync(string accountId, string userName, CancellationToken cancellationToken)
    {
        var user = await UserAsync(accountId, userName, cancellationToken).ConfigureAwait(false);
        return await OfUserAsync(store, accountId, user.UserName, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deletes a group that has nothing left: IAM refuses while it has members or policies.</summary>
    public Task DeleteAsync(string accountId, string groupName, CancellationToken cancellationToken) =>
        store.RetryOnConflictAsync(async ct =>
        {
            var group = await ReadAsync(accountId, groupName, ct).ConfigureAwait(false);
            if (group.Value.UserNames.Count > 0)
            {
                throw new DeleteConflictException("Cannot delete entity, must remove users from group first.");
            }
            if (group.Value.InlinePolicies.Count > 0)
            {
                throw new DeleteConflictException("Cannot delete entity, must delete policies first.");
            }
            if (group.Value.AttachedPolicyArns.Count > 0)
            {
                throw new DeleteConflictException("Cannot delete entity, must detach all policies first.");
            }
            await store.CommitAsync([IdentityRecords.Groups.Delete(group)], ct).ConfigureAwait(false);
            changes.Changed();
            return true;
        }, cancellationToken);

    /// <summary>Renames a group or moves it to another path (its ARN changes with them; its id, members and policies stay).</summary>
    public Task UpdateAsync(string accountId, string groupName, string? newName, string? newPath, CancellationToken cancellationToken) =>
        store.RetryOnConflictAsync(async ct =>
        {
            var group = await ReadAsync(accountId, groupName, ct).ConfigureAwait(false);
            var name = newName ?? group.Value.GroupName;
            var path = newPath ?? group.Value.Path;
            var changed = group.Value with { GroupName = name, Path = path, Arn = Arn(accountId, path, name) };
            if (IdentityRecords.GroupRecordId(accountId, name) == group.Id)
            {
                await store.CommitAsync([IdentityRecords.PutGroup(accountId, changed, group.Version)], ct).ConfigureAwait(false);
            }
            else
            {
                if (await store.GetAsync(IdentityRecords.Groups, IdentityRecords.GroupRecordId(accountId, name), ct).ConfigureAwait(false) is not null)
                {
                    throw GroupExists(name);
                }
                await store.CommitAsync([IdentityRecords.Groups.Delete(group), IdentityRecords.PutGroup(accountId, changed, expectedVersion: 0)], ct)
                    .ConfigureAwait(false);
            }
            changes.Changed();
            return true;
        }, cancellationToken);

    /// <summary>Adds a user to a group; adding a member again changes nothing.</summary>
    public async Task AddUserAsync(string accountId, string groupName, string userName, CancellationToken cancellationToken)
    {
        var user = await UserAsync(accountId, userName, cancellationToken).ConfigureAwait(false);
        await ChangeAsync(accountId, groupName, group => group.UserNames.Contains(user.UserName, StringComparer.OrdinalIgnoreCase)
            ? group
            : group with { UserNames = [.. group.UserNames, user.UserName] }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Removes a user from a group; IAM refuses a user that does not exist or is not a member.</summary>
    public async Task RemoveUserAsync(string accountId, string groupName, string userName, CancellationToken cancellationToken)
    {
        var user = await UserAsync(accountId, userName, cancellationToken).ConfigureAwait(false);
        await ChangeAsync(accountId, groupName, group => group.UserNames.Contains(user.UserName, StringComparer.OrdinalIgnoreCase)
            ? group with { UserNames = [.. group.UserNames.Where(n => !n.Equals(user.UserName, StringComparison.OrdinalIgnoreCase))] }
            : throw NoSuchUser(userName), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Adds or replaces an inline policy, after checking it is a valid identity policy.</summary>
    public Task PutPolicyAsync(string accountId, string groupName, string policyName, string document, CancellationToken cancellationToken) =>
        ChangeAsync(accountId, groupName, group => group with { InlinePolicies = PolicySet.Put(group.InlinePolicies, policyName, document) }, cancellationToken);

    public async Task<string> GetPolicyAsync(string accountId, string groupName, string policyName, CancellationToken cancellationToken) =>
        PolicySet.Get((await GetAsync(accountId, groupName, cancellationToken).ConfigureAwait(false)).InlinePolicies, policyName, Entity);

    public Task DeletePolicyAsync(string accountId, string groupName, string policyName, CancellationToken cancellationToken) =>
        ChangeAsync(accountId, groupName, group => group with { InlinePolicies = PolicySet.Remove(group.InlinePolicies, policyName, Entity) }, cancellationToken);

    /// <summary>Attaches an AWS or customer managed policy; attaching one twice changes nothing.</summary>
    public async Task AttachPolicyAsync(string accountId, string groupName, string policyArn, CancellationToken cancellationToken)
    {
        await policies.RequireAttachableAsync(accountId, policyArn, cancellationToken).ConfigureAwait(false);
        await ChangeAsync(accountId, groupName,
            group => group with { AttachedPolicyArns = PolicySet.Attach(group.AttachedPolicyArns, policyArn, "PoliciesPerGroup") }, cancellationToken)
            .ConfigureAwait(false);
    }

    public Task DetachPolicyAsync(string accountId, string groupName, string policyArn, CancellationToken cancellationToken) =>
        ChangeAsync(accountId, groupName, group => group with { AttachedPolicyArns = PolicySet.Detach(group.AttachedPolicyArns, policyArn) }, cancellationToken);

    private static async Task<IEnumerable<IamGroupRecord>> AllAsync(IStateStore store, string accountId, CancellationToken cancellationToken) =>
        (await store.QueryAsync(IdentityRecords.Groups, new RecordQuery(IdentityRecords.Groups.Kind, IdentityRecords.AccountScope(accountId)), cancellationToken)
            .ConfigureAwait(false)).Select(g => g.Value);

    private Task ChangeAsync(string accountId, string groupName, Func<IamGroupRecord, IamGroupRecord> change, CancellationToken cancellationToken) =>
        store.RetryOnConflictAsync(async ct =>
        {
            var group = await ReadAsync(accountId, groupName, ct).ConfigureAwait(false);
            var changed = change(group.Value);
            if (changed != group.Value)
            {
                await store.CommitAsync([IdentityRecords.PutGroup(accountId, changed, group.Version)], ct).ConfigureAwait(false);
                changes.Changed();
            }
            return true;
        }, cancellationToken);

    private async Task<Versioned<IamGroupRecord>> ReadAsync(string accountId, string groupName, CancellationToken cancellationToken) =>
        await store.GetAsync(IdentityRecords.Groups, IdentityRecords.GroupRecordId(accountId, groupName), cancellationToken).ConfigureAwait(false)
        ?? throw new NoSuchEntityException($"The group with name {groupName} cannot be found.");

    private async Task<IamUserRecord> UserAsync(string accountId, string userName, CancellationToken cancellationToken) =>
        (await store.GetAsync(IdentityRecords.Users, IdentityRecords.UserRecordId(accountId, userName), cancellationToken).ConfigureAwait(false))?.Value
        ?? throw NoSuchUser(userName);

    private static string Arn(string accountId, string path, string groupName) => $"arn:aws:iam::{accountId}:group{path}{groupName}";

    private static EntityAlreadyExistsException GroupExists(string groupName) => new($"Group with name {groupName} already exists.");

    private static NoSuchEntityException NoSuchUser(string userName) => new($"The user with name {userName} cannot be found.");
}
