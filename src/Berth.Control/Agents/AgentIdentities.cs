using Berth.Control.Identity;
using Berth.Core.Identity.Credentials;

namespace Berth.Control.Agents;

/// <summary>
/// Agents' own identities: an agent's principal is its container instance's ARN (<see cref="Core.Agent.AgentPrincipal"/>), with one long-term access key
/// (stored as every key is, <see cref="AccessKeys"/>). The key is issued when the agent joins and deleted when the
/// instance is deregistered, so a deregistered agent's requests are refused as an unknown key's.
/// </summary>
public sealed class AgentIdentities(AccessKeys keys)
{
    /// <summary>A new key for the instance; an earlier one (an agent joining again as the same instance) is deleted first.</summary>
    public async Task<IssuedKey> IssueAsync(string accountId, string containerInstanceArn, CancellationToken cancellationToken)
    {
        await RevokeAsync(accountId, containerInstanceArn, cancellationToken).ConfigureAwait(false);
        return await keys.CreateAsync(accountId, containerInstanceArn, AccessKeyRecord.LongTermPrefix, expiration: null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deletes the instance's keys: from now on its agent's requests are refused.</summary>
    public async Task RevokeAsync(string accountId, string containerInstanceArn, CancellationToken cancellationToken)
    {
        foreach (var key in await keys.ListAsync(accountId, containerInstanceArn, cancellationToken).ConfigureAwait(false))
        {
            await keys.DeleteAsync(containerInstanceArn, key.AccessKeyId, cancellationToken).ConfigureAwait(false);
        }
    }
}
