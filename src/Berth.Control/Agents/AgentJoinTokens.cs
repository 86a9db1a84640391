using System.Security.Cryptography;
using System.Text;
using Berth.Core.Agent;
using Berth.Store;

namespace Berth.Control.Agents;

/// <summary>
/// Join tokens: <c>berth-join.{id}.{secret}</c>, both parts from a cryptographic random source. Only the SHA-256 of the
/// secret is stored, so a copy of the store lets no one join; a token works for one cluster until it expires or is
/// revoked, for any number of agents (each gets its own identity), as Kubernetes' bootstrap tokens do.
/// </summary>
public sealed class AgentJoinTokens(IStateStore store, TimeProvider time)
{
    public const string Prefix = "berth-join";

    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromHours(24);

    public static readonly TimeSpan MaxLifetime = TimeSpan.FromDays(30);

    private const string IdAlphabet = "abcdefghijklmnopqrstuvwxyz234567";
    private const string SecretAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    /// <summary>A new token for <paramref name="clusterArn"/>; the returned string is the only copy of its secret.</summary>
    public async Task<(AgentJoinTokenRecord Token, string JoinToken)> CreateAsync(string accountId, string clusterArn, TimeSpan lifetime, string createdBy,
        CancellationToken cancellationToken)
    {
        var id = RandomNumberGenerator.GetString(IdAlphabet, 16);
        var secret = RandomNumberGenerator.GetString(SecretAlphabet, 40);
        var now = DateTimeOffset.FromUnixTimeSeconds(time.GetUtcNow().ToUnixTimeSeconds());
        var token = new AgentJoinTokenRecord(id, clusterArn, Hash(secret), now, now + lifetime, createdBy);
        await store.CommitAsync([AgentRecords.PutJoinToken(accountId, token)], cancellationToken).ConfigureAwait(false);
        return (token, $"{Prefix}.{id}.{secret}");
    }

    /// <summary>The account's tokens (of one cluster, when given), expired ones included until revoked or swept.</summary>
    public async Task<IReadOnlyList<AgentJoinTokenRecord>> ListAsync(string accountId, string? clusterArn, CancellationToken cancellationToken)
    {
        var query = new RecordQuery(AgentRecords.JoinTokens.Kind, IdentityRecords.AccountScope(accountId))
        {
            SortKeyPrefix = clusterArn is null ? null : AgentRecords.ClusterTokens(clusterArn),
        };
        return [.. (await store.QueryAsync(AgentRecords.JoinTokens, query, cancellationToken).ConfigureAwait(false)).Select(t => t.Value)];
    }

    /// <summary>The token with this id, or null.</summary>
    public async Task<AgentJoinTokenRecord?> FindAsync(string tokenId, CancellationToken cancellationToken) =>
        (await store.GetAsync(AgentRecords.JoinTokens, tokenId, cancellationToken).ConfigureAwait(false))?.Value;

    /// <summary>Deletes a token; agents that joined with it keep their identities. False when there is none.</summary>
    public Task<bool> RevokeAsync(string tokenId, CancellationToken cancellationToken) =>
        store.RetryOnConflictAsync(async ct =>
        {
            var token = await store.GetAsync(AgentRecords.JoinTokens, tokenId, ct).ConfigureAwait(false);
            if (token is null)
            {
                return false;
            }
            await store.CommitAsync([AgentRecords.JoinTokens.Delete(token)], ct).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    /// <summary>Deletes the tokens that have expired, in every account: no agent can join with them again.</summary>
    /// <returns>How many were deleted.</returns>
    public async Task<int> PurgeExpiredAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        return (await store.DeleteExpiredAsync(AgentRecords.JoinTokens, t => t.ExpiresAt <= now, cancellationToken).ConfigureAwait(false)).Count;
    }

    /// <summary>The stored token a presented one matches, or null for a malformed, unknown, wrong or expired one (refused alike).</summary>
    public async Task<AgentJoinTokenRecord?> VerifyAsync(string presented, CancellationToken cancellationToken)
    {
        var parts = presented.Split('.');
        if (parts is not [Prefix, var id, var secret] || id.Length == 0 || secret.Length == 0)
        {
            return null;
        }
        var token = await FindAsync(id, cancellationToken).ConfigureAwait(false);
        return token is not null
            && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(token.SecretHash), Encoding.ASCII.GetBytes(Hash(secret)))
            && time.GetUtcNow() < token.ExpiresAt
            ? token
            : null;
    }

    private static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
}
