using Berth.Core.Iam;
using Berth.Core.Identity.Authorization;
using Berth.Core.Identity.Credentials;
using Berth.Core.Identity.Policies;
using Berth.Store;

namespace Berth.Control.Identity;

/// <summary>
/// IAM roles of an account: their trust policies (who may assume them, <see cref="Trusts"/>), their inline
/// policies and attached managed policies (what their sessions may do), and their tags. Errors are IAM's.
/// </summary>
public sealed class IamRoles(IStateStore store, ManagedPolicies policies, IdentityChanges changes, TimeProvider time)
{
    /// <summary>The longest MaxSessionDuration IAM accepts: 12 hours.</summary>
    public const int MaxMaxSessionDuration = 43200;

    private const string Entity = "role";

    /// <param name="trustPolicy">The AssumeRolePolicyDocument, refused with MalformedPolicyDocument unless it is a valid trust policy.</param>
    /// <param name="permissionsBoundary">The ARN of a managed policy to bound the role's permissions with.</param>
    public async Task<IamRoleRecord> CreateAsync(string accountId, string roleName, string? path, string trustPolicy, string? description,
        int? maxSessionDuration, IReadOnlyDictionary<string, string> tags, CancellationToken cancellationToken, string? permissionsBoundary = null)
    {
        ParsedPolicies.Validate(trustPolicy, PolicyKind.RoleTrust);
        if (permissionsBoundary is not null)
        {
            await policies.RequireAttachableAsync(accountId, permissionsBoundary, cancellationToken).ConfigureAwait(false);
        }
        var rolePath = path ?? "/";
        var role = new IamRoleRecord(roleName, IamIds.Unique("AROA"), rolePath,
            $"arn:aws:iam::{accountId}:role{rolePath}{roleName}", trustPolicy, description, maxSessionDuration ?? IamRoleRecord.DefaultMaxSessionDuration,
            DateTimeOffset.FromUnixTimeSeconds(time.GetUtcNow().ToUnixTimeSeconds()), new Dictionary<string, string>(StringComparer.Ordinal), [], tags, permissionsBoundary);
        try
        {
            await store.CommitAsync([IdentityRecords.PutRole(accountId, role, expectedVersion: 0)], cancellationToken).ConfigureAwait(false);
        }
        catch (ConcurrencyConflictException)
        {
            throw new EntityAlreadyExistsException($"Role with name {roleName} already exists.");
        }
        changes.Changed();
        return role;
    }

    /// <summary>The role, or null when the account has none of that name.</summary>
    public async Task<IamRoleRecord?> FindAsync(string accountId, string roleName, CancellationToken cancellationToken) =>
        (await store.GetAsync(IdentityRecords.Roles, IdentityRecords.RoleRecordId(accountId, roleName), cancellationToken).ConfigureAwait(false))?.Value;

    /// <summary>The role with exactly this ARN (path included), or null: another account's, an unknown name, or another path.</summary>
    public async Task<IamRoleRecord?> FindByArnAsync(string accountId, string roleArn, CancellationToken cancellationToken)
    {
        if (PrincipalArns.RoleName(roleArn) is not { } name)
        {
            return null;
        }
        var role = await FindAsync(accountId, name, cancellationToken).ConfigureAwait(false);
        return role?.Arn == roleArn ? role : null;
    }

    public async Task<IamRoleRecord> GetAsync(string accountId, string roleName, CancellationToken cancellationToken) =>
        await FindAsync(accountId, roleName, cancellationToken).ConfigureAwait(false) ?? throw NoSuchRole(roleName);

    /// <summary>The account's roles whose path starts with <paramref name="pathPrefix"/>, by name.</summary>
    public async Task<IReadOnlyList<IamRoleRecord>> ListAsync(string accountId, string? pathPrefix, CancellationToken cancellationToken)
    {
        var roles = await store.QueryAsync(IdentityRecords.Roles, new RecordQuery(IdentityRecords.Roles.Kind, IdentityRecords.AccountScope(accountId)),
            cancellationToken).ConfigureAwait(false);
        return [.. roles.Select(r => r.Value).Where(r => r.Path.StartsWith(pathPrefix ?? "/", StringComparison.Ordinal))];
    }

    /// <summary>Deletes a role that has no policies left, as IAM requires.</summary>
    public Task DeleteAsync(string accountId, string roleName, CancellationToken cancellationToken) =>
        store.RetryOnConflictAsync(async ct =>
        {
            var role = await ReadAsync(accountId, roleName, ct).ConfigureAwait(false);
            if (role.Value.InlinePolicies.Count > 0)
            {
                throw new DeleteConflictException("Cannot delete entity, must delete policies first.");
            }
            if (role.Value.AttachedPolicyArns.Count > 0)
            {
                throw new DeleteConflictException("Cannot delete entity, must detach all policies first.");
            }
            await store.CommitAsync([IdentityRecords.Roles.Delete(role)], ct).ConfigureAwait(false);
            changes.Changed();
            return true;
        }, cancellationToken);

    public Task UpdateAssumeRolePolicyAsync(string accountId, string roleName, string trustPolicy, CancellationToken cancellationToken)
    {
        ParsedPolicies.Validate(trustPolicy, PolicyKind.RoleTrust);
        return UpdateAsync(accountId, roleName, role => role with { AssumeRolePolicyDocument = trustPolicy }, cancellationToken);
    }

    /// <summary>Adds or replaces tags (IAM compares tag keys without case, and keeps the latest spelling).</summary>
    public Task TagAsync(string accountId, string roleName, IReadOnlyDictionary<string, string> tags, CancellationToken cancellationToken) =>
        UpdateAsync(accountId, roleName, role => role with { Tags = ResourceTags.Add(role.Tags, tags) }, cancellationToken);

    public Task UntagAsync(string accountId, string roleName, IReadOnlyList<string> tagKeys, CancellationToken cancellationToken) =>
        UpdateAsync(accountId, roleName, role => role with { Tags = ResourceTags.Remove(role.Tags, tagKeys) }, cancellationToken);

    /// <summary>Adds or replaces an inline policy, after checking it is a valid identity policy.</summary>
    public Task PutPolicyAsync(string accountId, string roleName, string policyName, string document, CancellationToken cancellationToken) =>
        UpdateAsync(accountId, roleName, role => role with { InlinePolicies = PolicySet.Put(role.InlinePolicies, policyName, document) }, cancellationToken);

    public async Task<string> GetPolicyAsync(string accountId, string roleName, string policyName, CancellationToken cancellationToken) =>
        PolicySet.Get((await GetAsync(accountId, roleName, cancellationToken).ConfigureAwait(false)).InlinePolicies, policyName, Entity);

    public Task DeletePolicyAsync(string accountId, string roleName, string policyName, CancellationToken cancellationToken) =>
        UpdateAsync(accountId, roleName, role => role with { InlinePolicies = PolicySet.Remove(role.InlinePolicies, policyName, Entity) }, cancellationToken);

    /// <summary>Attaches an AWS or customer managed policy; attaching one twice changes nothing.</summary>
    public async Task AttachPolicyAsync(string accountId, string roleName, string policyArn, CancellationToken cancellationToken)
    {
        await policies.RequireAttachableAsync(accountId, policyArn, cancellationToken).ConfigureAwait(false);
        await UpdateAsync(accountId, roleName, role => role with { AttachedPolicyArns = PolicySet.Attach(role.AttachedPolicyArns, policyArn, "PoliciesPerRole") },
            cancellationToken).ConfigureAwait(false);
    }

    public Task DetachPolicyAsync(string accountId, string roleName, string policyArn, CancellationToken cancellationToken) =>
        UpdateAsync(accountId, roleName, role => role with { AttachedPolicyArns = PolicySet.Detach(role.AttachedPolicyArns, policyArn) }, cancellationToken);

    /// <summary>Sets (a managed policy's ARN) or removes (null) the role's permissions boundary.</summary>
    public async Task SetPermissionsBoundaryAsync(string accountId, string roleName, string? policyArn, CancellationToken cancellationToken)
    {
        if (policyArn is not null)
        {
            await policies.RequireAttachableAsync(accountId, policyArn, cancellationToken).ConfigureAwait(false);
        }
        await UpdateAsync(accountId, roleName, role => role with { PermissionsBoundaryArn = policyArn }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Whether the role's trust policy lets <paramref name="principal"/> assume it (sts:AssumeRole), or be passed
    /// it as a service (<see cref="AuthorizationPrincipal.ServicePrincipal"/>, e.g. <c>ecs-tasks.amazonaws.com</c>,
    /// for iam:PassRole). A trust policy that names the principal's account delegates to that account's identity
    /// policies, which the caller checks separately.
    /// </summary>
    /// <param name="context">The request's condition keys (sts:ExternalId, sts:RoleSessionName…); empty when there are none.</param>
    public static AuthorizationDecision Trusts(IamRoleRecord role, AuthorizationPrincipal principal, RequestContext context) =>
        PolicyEvaluator.EvaluateTrust(ParsedPolicies.Stored(role.AssumeRolePolicyDocument, PolicyKind.RoleTrust), principal, role.Arn, context);

    private Task UpdateAsync(string accountId, string roleName, Func<IamRoleRecord, IamRoleRecord> change, CancellationToken cancellationToken) =>
        store.RetryOnConflictAsync(async ct =>
        {
            var role = await ReadAsync(accountId, roleName, ct).ConfigureAwait(false);
            var changed = change(role.Value);
            if (changed != role.Value)
            {
                await store.CommitAsync([IdentityRecords.PutRole(accountId, changed, role.Version)], ct).ConfigureAwait(false);
                changes.Changed();
            }
            return true;
        }, cancellationToken);

    private async Task<Versioned<IamRoleRecord>> ReadAsync(string accountId, string roleName, CancellationToken cancellationToken) =>
        await store.GetAsync(IdentityRecords.Roles, IdentityRecords.RoleRecordId(accountId, roleName), cancellationToken).ConfigureAwait(false)
        ?? throw NoSuchRole(roleName);

    private static NoSuchEntityException NoSuchRole(string roleName) => new($"The role with name {roleName} cannot be found.");
}
