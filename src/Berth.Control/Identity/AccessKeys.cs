using System.Collections.Concurrent;
using System.Security.Cryptography;
using Berth.Core.Identity.Authorization;
using Berth.Core.Identity.Credentials;
using Berth.Core.Identity.Signing;
using Berth.Store;
using Berth.Store.Identity;

namespace Berth.Control.Identity;

/// <summary>
/// Access keys: made with a cryptographic random source, stored with their secret encrypted (<see cref="SecretCipher"/>),
/// and looked up by id for every signed request. Lookups are cached briefly, since SigV4 verifies every request: a key
/// (or a session's role) changed by this process is dropped from the cache at once, one changed by another server
/// within <see cref="CacheLifetime"/>.
/// </summary>
public sealed class AccessKeys(IStateStore store, SecretCipher cipher, IdentityChanges changes, TimeProvider time)
{
    public static readonly TimeSpan CacheLifetime = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long an expired key is kept before <see cref="PurgeExpiredAsync"/> deletes it: a request signed with it
    /// within SigV4's 15-minute window is answered ExpiredToken, which tells the client why, rather than as an unknown key.
    /// </summary>
    public static readonly TimeSpan ExpiredKeyRetention = TimeSpan.FromMinutes(15);

    private const string SecretAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    private readonly ConcurrentDictionary<string, (AccessKeyHolder? Holder, long Generation, DateTimeOffset ReadAt)> _cache = new(StringComparer.Ordinal);

    /// <summary>The root user's key, made on the first start of an account (the only time its secret is known to anyone but the store).</summary>
    public async Task<RootKey> EnsureRootKeyAsync(string accountId, CancellationToken cancellationToken)
    {
        var principal = PrincipalArns.Root(accountId);
        var existing = await store.QueryAsync(IdentityRecords.AccessKeys,
            new RecordQuery(IdentityRecords.AccessKeys.Kind, IdentityRecords.AccountScope(accountId)) { SortKeyPrefix = IdentityRecords.PrincipalKeys(principal), Limit = 1 },
            cancellationToken).ConfigureAwait(false);
        if (existing.Count > 0)
        {
            // Whether the server's key opens its secret was settled before the server started (SecretKeyCheck).
            return new RootKey(existing[0].Value.AccessKeyId, null);
        }
        var issued = await CreateAsync(accountId, principal, AccessKeyRecord.LongTermPrefix, expiration: null, cancellationToken).ConfigureAwait(false);
        return new RootKey(issued.AccessKeyId, issued.SecretAccessKey);
    }

    /// <summary>A new active key for <paramref name="principalArn"/>: long-term, or temporary (with a session token) when it expires.</summary>
    /// <param name="roleId">For a role session, the id of its role (<see cref="AccessKeyRecord.RoleId"/>).</param>
    public async Task<IssuedKey> CreateAsync(string accountId, string principalArn, string prefix, DateTimeOffset? expiration, CancellationToken cancellationToken,
        string? roleId = null)
    {
        var id = IamIds.AccessKey(prefix);
        var secret = RandomNumberGenerator.GetString(SecretAlphabet, 40);
        var token = expiration is null ? null : Convert.ToBase64String(RandomNumberGenerator.GetBytes(96));
        var now = time.GetUtcNow();
        var record = new AccessKeyRecord(id, cipher.Protect(secret, id), principalArn, AccessKeyRecord.Active,
            DateTimeOffset.FromUnixTimeSeconds(now.ToUnixTimeSeconds()), token, expiration, roleId);
        await store.CommitAsync([IdentityRecords.PutAccessKey(accountId, record, expectedVersion: 0)], cancellationToken).ConfigureAwait(false);
        _cache.TryRemove(id, out _);
        return new IssuedKey(id, secret, principalArn, record.CreateDate, token, expiration);
    }

    /// <summary>A principal's long-term keys, active or not (IAM's ListAccessKeys): its STS sessions are not listed.</summary>
    public async Task<IReadOnlyList<AccessKeyRecord>> ListAsync(string accountId, string principalArn, CancellationToken cancellationToken)
    {
        var keys = await store.QueryAsync(IdentityRecords.AccessKeys,
            new RecordQuery(IdentityRecords.AccessKeys.Kind, IdentityRecords.AccountScope(accountId)) { SortKeyPrefix = IdentityRecords.PrincipalKeys(principalArn) },
            cancellationToken).ConfigureAwait(false);
        return [.. keys.Select(k => k.Value).Where(k => k.SessionToken is null)];
    }

    /// <summary>Activates or deactivates a principal's key; false when the principal has no such key.</summary>
    public Task<bool> SetStatusAsync(string accountId, string principalArn, string accessKeyId, string status, CancellationToken cancellationToken) =>
        ChangeAsync(principalArn, accessKeyId, key => IdentityRecords.PutAccessKey(accountId, key.Value with { Status = status }, key.Version), cancellationToken);

    /// <summary>Deletes a principal's key; false when the principal has no such key.</summary>
    public Task<bool> DeleteAsync(string principalArn, string accessKeyId, CancellationToken cancellationToken) =>
        ChangeAsync(principalArn, accessKeyId, IdentityRecords.AccessKeys.Delete, cancellationToken);

    /// <summary>Deletes the temporary keys that expired more than <see cref="ExpiredKeyRetention"/> ago, in every account.</summary>
    /// <returns>How many were deleted.</returns>
    public async Task<int> PurgeExpiredAsync(CancellationToken cancellationToken)
    {
        var cutoff = time.GetUtcNow() - ExpiredKeyRetention;
        var deleted = await store.DeleteExpiredAsync(IdentityRecords.AccessKeys, k => k.Expiration <= cutoff, cancellationToken).ConfigureAwait(false);
        foreach (var key in deleted)
        {
            _cache.TryRemove(key.Id, out _);
        }
        return deleted.Count;
    }

    private Task<bool> ChangeAsync(string principalArn, string accessKeyId, Func<Versioned<AccessKeyRecord>, RecordWrite> change, CancellationToken cancellationToken) =>
        store.RetryOnConflictAsync(async ct =>
        {
            var key = await store.GetAsync(IdentityRecords.AccessKeys, accessKeyId, ct).ConfigureAwait(false);
            if (key is null || key.Value.PrincipalArn != principalArn)
            {
                return false;
            }
            await store.CommitAsync([change(key)], ct).ConfigureAwait(false);
            _cache.TryRemove(accessKeyId, out _);
            return true;
        }, cancellationToken);

    /// <summary>The active key with this id, or null for an unknown or inactive one (which SigV4 refuses alike).</summary>
    public async ValueTask<AccessKeyHolder?> FindAsync(string accessKeyId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var generation = changes.Generation;
        if (_cache.TryGetValue(accessKeyId, out var cached) && cached.Generation == generation && now - cached.ReadAt < CacheLifetime)
        {
            return cached.Holder;
        }
        var record = await store.GetAsync(IdentityRecords.AccessKeys, accessKeyId, cancellationToken).ConfigureAwait(false);
        var holder = record?.Value is { Status: AccessKeyRecord.Active } key && await IsOfCurrentRoleAsync(key, cancellationToken).ConfigureAwait(false)
            ? Holder(key)
            : null;
        _cache[accessKeyId] = (holder, generation, now);
        return holder;
    }

    /// <summary>Whether a role session's key still has its role: a role deleted since, even one made again under the same name, has not.</summary>
    private async ValueTask<bool> IsOfCurrentRoleAsync(AccessKeyRecord key, CancellationToken cancellationToken)
    {
        if (key.RoleId is null)
        {
            return true;
        }
        if (!PrincipalArns.TryParseAssumedRole(key.PrincipalArn, out var accountId, out var roleName, out _))
        {
            return false;
        }
        var role = await store.GetAsync(IdentityRecords.Roles, IdentityRecords.RoleRecordId(accountId, roleName), cancellationToken).ConfigureAwait(false);
        return role?.Value.RoleId == key.RoleId;
    }

    /// <summary>Null when the secret was sealed under another key file: no request can be verified with it, as with an unknown key.</summary>
    private AccessKeyHolder? Holder(AccessKeyRecord key) =>
        cipher.TryUnprotect(key.EncryptedSecret, key.AccessKeyId, out var secret)
            ? new AccessKeyHolder(key.AccessKeyId, key.PrincipalArn, new SigningCredential(secret, key.SessionToken, key.Expiration))
            : null;
}
