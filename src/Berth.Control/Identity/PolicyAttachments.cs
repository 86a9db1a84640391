using Berth.Core.Iam;

namespace Berth.Control.Identity;

/// <summary>
/// Which users, groups and roles have a managed policy attached: GetPolicy's AttachmentCount, ListPolicies' OnlyAttached,
/// and DeletePolicy's refusal while a policy is attached.
/// </summary>
public sealed class PolicyAttachments(IamUsers users, IamRoles roles, IamGroups groups, ManagedPolicies policies)
{
    /// <summary>How many users, groups and roles of the account have each policy attached (a policy attached to none is absent).</summary>
    public async Task<IReadOnlyDictionary<string, int>> CountsAsync(string accountId, CancellationToken cancellationToken)
    {
        var userAttachments = (await users.ListAsync(accountId, null, cancellationToken).ConfigureAwait(false)).SelectMany(u => u.AttachedPolicyArns);
        var roleAttachments = (await roles.ListAsync(accountId, null, cancellationToken).ConfigureAwait(false)).SelectMany(r => r.AttachedPolicyArns);
        var groupAttachments = (await groups.ListAsync(accountId, null, cancellationToken).ConfigureAwait(false)).SelectMany(g => g.AttachedPolicyArns);
        return userAttachments.Concat(roleAttachments).Concat(groupAttachments).CountBy(a => a, StringComparer.Ordinal).ToDictionary(StringComparer.Ordinal);
    }

    /// <summary>Deletes a customer managed policy, which IAM refuses while any user, group or role has it attached.</summary>
    public async Task DeletePolicyAsync(string accountId, string policyArn, CancellationToken cancellationToken)
    {
        await policies.GetAsync(accountId, policyArn, cancellationToken).ConfigureAwait(false);
        if ((await CountsAsync(accountId, cancellationToken).ConfigureAwait(false)).ContainsKey(policyArn))
        {
            throw new DeleteConflictException("Cannot delete a policy attached to entities.");
        }
        await policies.DeleteAsync(accountId, policyArn, cancellationToken).ConfigureAwait(false);
    }
}
