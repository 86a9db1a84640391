using Berth.Core.Iam;
using Berth.Core.Identity.Credentials;
using Berth.Core.Identity.Policies;
using Berth.Store;

namespace Berth.Control.Identity;

/// <summary>
/// Managed policies: AWS's (<see cref="AwsManagedPolicies"/>, fixed) and the account's own customer managed
/// policies with their versions. Attachments live on users and roles (<see cref="PolicyAttachments"/> counts
/// them). Errors are IAM's.
/// </summary>
public sealed class ManagedPolicies(IStateStore store, IdentityChanges changes, TimeProvider time)
{

    private static readonly Dictionary<string, PolicyDocument> AwsDocuments =
        AwsManagedPolicies.All.ToDictionary(p => p.Arn, p => p.Parse(), StringComparer.Ordinal);

    public async Task<ManagedPolicyRecord> CreateAsync(string accountId, string policyName, string? path, string document, string? description,
        IReadOnlyDictionary<string, string> tags, CancellationToken cancellationToken)
    {
        ParsedPolicies.Validate(document, PolicyKind.Identity);
        var policyPath = path ?? "/";
        var now = DateTimeOffset.FromUnixTimeSeconds(time.GetUtcNow().ToUnixTimeSeconds());
        var policy = new ManagedPolicyRecord(policyName, IamIds.Unique("ANPA"), policyPath,
            $"arn:aws:iam::{accountId}:policy{policyPath}{policyName}", description, "v1", [new ManagedPolicyVersion("v1", document, now)], 2, now, now, tags);
        try
        {
            await store.CommitAsync([IdentityRecords.PutPolicy(accountId, policy, expectedVersion: 0)], cancellationToken).ConfigureAwait(false);
        }
        catch (ConcurrencyConflictException)
        {
            throw new EntityAlreadyExistsException($"A policy called {policyName} already exists. Duplicate names are not allowed.");
        }
        return policy;
    }

    /// <summary>The account's customer managed policy with exactly this ARN, or null (an AWS managed policy's ARN is not one).</summary>
    public async Task<ManagedPolicyRecord?> FindAsync(string accountId, string policyArn, CancellationToken cancellationToken) =>
        (await ReadAsync(accountId, policyArn, cancellationToken).ConfigureAwait(false))?.Value;

    public async Task<ManagedPolicyRecord> GetAsync(string accountId, string policyArn, CancellationToken cancellationToken) =>
        await FindAsync(accountId, policyArn, cancellationToken).ConfigureAwait(false) ?? throw NotFound(policyArn);

    /// <summary>The account's customer managed policies, by name.</summary>
    public async Task<IReadOnlyList<ManagedPolicyRecord>> ListAsync(string accountId, CancellationToken cancellationToken) =>
        [.. (await store.QueryAsync(IdentityRecords.Policies, new RecordQuery(IdentityRecords.Policies.Kind, IdentityRecords.AccountScope(accountId)),
            cancellationToken).ConfigureAwait(false)).Select(p => p.Value)];

    /// <summary>Whether a user or role can attach the policy: an AWS managed policy, or one of the account's own.</summary>
    public async Task RequireAttachableAsync(string accountId, string policyArn, CancellationToken cancellationToken)
    {
        if (AwsManagedPolicies.Find(policyArn) is null && await FindAsync(accountId, policyArn, cancellationToken).ConfigureAwait(false) is null)
        {
            throw new NoSuchEntityException($"Policy {policyArn} does not exist or is not attachable.");
        }
    }

    /// <summary>The document requests are authorized against: the default version's; null for a policy that no longer exists.</summary>
    public async ValueTask<PolicyDocument?> DocumentAsync(string accountId, string policyArn, CancellationToken cancellationToken) =>
        AwsDocuments.TryGetValue(policyArn, out var aws)
            ? aws
            : await FindAsync(accountId, policyArn, cancellationToken).ConfigureAwait(false) is { } policy
                ? ParsedPolicies.Stored(policy.DefaultVersion.Document, PolicyKind.Identity)
                : null;

    /// <summary>A new version, made the default when asked; IAM keeps at most five.</summary>
    public async Task<ManagedPolicyVersion> CreateVersionAsync(string accountId, string policyArn, string document, bool setAsDefault,
        CancellationToken cancellationToken)
    {
        ParsedPolicies.Validate(document, PolicyKind.Identity);
        ManagedPolicyVersion? created = null;
        await UpdateAsync(accountId, policyArn, policy =>
        {
            if (policy.Versions.Count >= ManagedPolicyRecord.MaxVersions)
            {
                throw new LimitExceededException(
                    $"A managed policy can have up to {ManagedPolicyRecord.MaxVersions} versions. Before you create a new version, you must delete an existing version.");
            }
            var now = DateTimeOffset.FromUnixTimeSeconds(time.GetUtcNow().ToUnixTimeSeconds());
            created = new ManagedPolicyVersion($"v{policy.NextVersion}", document, now);
            return policy with
            {
                Versions = [.. policy.Versions, created],
                NextVersion = policy.NextVersion + 1,
                DefaultVersionId = setAsDefault ? created.VersionId : policy.DefaultVersionId,
                UpdateDate = setAsDefault ? now : policy.UpdateDate,
            };
        }, cancellationToken).ConfigureAwait(false);
        return created!;
    }

    public Task SetDefaultVersionAsync(string accountId, string policyArn, string versionId, CancellationToken cancellationToken) =>
        UpdateAsync(accountId, policyArn, policy => policy with
        {
            DefaultVersionId = Version(policy, versionId).VersionId,
            UpdateDate = DateTimeOffset.FromUnixTimeSeconds(time.GetUtcNow().ToUnixTimeSeconds()),
        }, cancellationToken);

    /// <summary>Deletes a version other than the default, which only goes with the policy.</summary>
    public Task DeleteVersionAsync(string accountId, string policyArn, string versionId, CancellationToken cancellationToken) =>
        UpdateAsync(accountId, policyArn, policy => Version(policy, versionId).VersionId == policy.DefaultVersionId
            ? throw new DeleteConflictException("Cannot delete the default version of the policy.")
            : policy with { Versions = [.. policy.Versions.Where(v => v.VersionId != versionId)] }, cancellationToken);

    /// <summary>The version, or IAM's NoSuchEntity for a policy without it.</summary>
    public static ManagedPolicyVersion Version(ManagedPolicyRecord policy, string versionId) =>
        policy.Versions.FirstOrDefault(v => v.VersionId == versionId)
        ?? throw new NoSuchEntityException($"Policy {policy.Arn} version {versionId} does not exist or is not attachable.");

    /// <summary>
    /// Deletes a policy whose only version left is the default (IAM's rule); whether it is still attached is
    /// <see cref="PolicyAttachments.DeletePolicyAsync"/>'s check.
    /// </summary>
    internal Task DeleteAsync(string accountId, string policyArn, CancellationToken cancellationToken) =>
        store.RetryOnConflictAsync(async ct =>
        {
            var policy = await ReadAsync(accountId, policyArn, ct).ConfigureAwait(false) ?? throw NotFound(policyArn);
            if (policy.Value.Versions.Count > 1)
            {
                throw new DeleteConflictException(
                    "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.");
            }
            await store.CommitAsync([IdentityRecords.Policies.Delete(policy)], ct).ConfigureAwait(false);
            changes.Changed();
            return true;
        }, cancellationToken);

    private Task UpdateAsync(string accountId, string policyArn, Func<ManagedPolicyRecord, ManagedPolicyRecord> change, CancellationToken cancellationToken) =>
        store.RetryOnConflictAsync(async ct =>
        {
            var policy = await ReadAsync(accountId, policyArn, ct).ConfigureAwait(false) ?? throw NotFound(policyArn);
            await store.CommitAsync([IdentityRecords.PutPolicy(accountId, change(policy.Value), policy.Version)], ct).ConfigureAwait(false);
            changes.Changed();
            return true;
        }, cancellationToken);

    private async Task<Versioned<ManagedPolicyRecord>?> ReadAsync(string accountId, string policyArn, CancellationToken cancellationToken)
    {
        var prefix = $"arn:aws:iam::{accountId}:policy/";
        if (!policyArn.StartsWith(prefix, StringComparison.Ordinal))
        {
            return null;
        }
        var name = policyArn[(policyArn.LastIndexOf('/') + 1)..];
        var policy = await store.GetAsync(IdentityRecords.Policies, IdentityRecords.PolicyRecordId(accountId, name), cancellationToken).ConfigureAwait(false);
        return policy?.Value.Arn == policyArn ? policy : null;
    }

    private static NoSuchEntityException NotFound(string policyArn) => new($"Policy {policyArn} was not found.");
}
