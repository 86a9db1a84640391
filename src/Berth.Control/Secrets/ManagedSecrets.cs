using System.Security.Cryptography;
using Berth.Core.Arns;
using Berth.Core.Errors;
using Berth.Core.SecretsManager;
using Berth.Store;
using Berth.Store.Identity;

namespace Berth.Control.Secrets;

/// <summary>
/// Secrets Manager's secrets: one store record each with its versions and staging labels. Values are sealed by the
/// data directory's <see cref="SecretCipher"/>, bound to the secret's ARN and version id, and opened only by
/// GetSecretValue (and secret injection). A secret scheduled for deletion is refused until restored and gone once its
/// recovery window has passed (<see cref="PurgeDueAsync"/> removes the record; reads treat it as gone already).
/// Errors are Secrets Manager's. Values are never logged.
/// </summary>
public sealed class ManagedSecrets(IStateStore store, SecretCipher cipher, SecretChanges changes)
{
    /// <summary>Rotation runs a Lambda function, which Berth does not have.</summary>
    public static InvalidRequestException RotationUnsupported() => new(
        "Berth cannot rotate secrets: rotation runs an AWS Lambda function, and Berth has no Lambda. Put a new value with PutSecretValue " +
        "(it becomes AWSCURRENT and the old one AWSPREVIOUS), or stage one as AWSPENDING and move AWSCURRENT with UpdateSecretVersionStage.");

    public Task<CreateSecretResponse> CreateAsync(CreateSecretRequest request, ResourceScope scope, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var name = SecretRules.ValidateName(request.Name);
        SecretRules.CheckValue(request.SecretString, request.SecretBinary, required: false);
        var token = SecretRules.CheckToken(request.ClientRequestToken);
        if (request.AddReplicaRegions is { Count: > 0 })
        {
            throw new InvalidRequestException("Berth does not replicate secrets to other regions; create the secret without AddReplicaRegions.");
        }
        return store.RetryOnConflictAsync(async ct =>
        {
            var current = await store.GetAsync(SecretRecords.Secrets, SecretRecords.SecretId(scope, name), ct).ConfigureAwait(false);
            if (current is not null && !current.Value.IsPurged(now))
            {
                if (token is not null && current.Value.Version(token) is { } same && SameValue(current.Value, same, request.SecretString, request.SecretBinary))
                {
                    return new CreateSecretResponse { ARN = current.Value.Arn, Name = name, VersionId = token };
                }
                throw current.Value.DeletedDate is null
                    ? new ResourceExistsException($"The operation failed because the secret {name} already exists.")
                    : new InvalidRequestException($"You can't create this secret because a secret with this name is already scheduled for deletion.");
            }
            var arn = SecretRules.Arn(scope, name, RandomNumberGenerator.GetString(SecretRules.SuffixAlphabet, SecretRules.SuffixLength));
            var secret = new SecretRecord(arn, name, request.Description, request.KmsKeyId, now, now, null, null, null,
                [.. (request.Tags ?? []).Select(t => new KeyValuePair<string, string>(t.Key ?? "", t.Value ?? ""))], []);
            string? versionId = null;
            if (request.SecretString is not null || request.SecretBinary is not null)
            {
                versionId = token ?? Guid.NewGuid().ToString();
                secret = secret with { Versions = StagingLabels.Add([], Seal(arn, versionId, request.SecretString, request.SecretBinary, now), null) };
            }
            await changes.CommitAsync(store, [SecretRecords.PutSecret(scope, secret, current?.Version ?? 0)], ct).ConfigureAwait(false);
            return new CreateSecretResponse { ARN = arn, Name = name, VersionId = versionId };
        }, cancellationToken);
    }

    public Task<GetSecretValueResponse> GetValueAsync(GetSecretValueRequest request, ResourceScope scope, DateTimeOffset now, CancellationToken cancellationToken) =>
        store.RetryOnConflictAsync(async ct =>
        {
            var secret = await LiveAsync(request.SecretId, scope, now, ct).ConfigureAwait(false);
            var version = Select(secret.Value, request.VersionId, request.VersionStage);
            var (text, binary) = Open(secret.Value, version);
            // Secrets Manager records the day a secret was last read (DescribeSecret's LastAccessedDate), to the day.
            var today = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero);
            if (secret.Value.LastAccessedDate != today)
            {
                await store.CommitAsync([SecretRecords.PutSecret(scope, secret.Value with { LastAccessedDate = today }, secret.Version)], ct).ConfigureAwait(false);
            }
            return new GetSecretValueResponse
            {
                ARN = secret.Value.Arn,
                Name = secret.Value.Name,
                VersionId = version.VersionId,
                SecretString = text,
                SecretBinary = binary,
                VersionStages = version.Stages,
                CreatedDate = version.CreatedDate,
            };
        }, cancellationToken);

    public Task<PutSecretValueResponse> PutValueAsync(PutSecretValueRequest request, ResourceScope scope, DateTimeOffset now, CancellationToken cancellationToken)
    {
        SecretRules.CheckValue(request.SecretString, request.SecretBinary, required: true);
        var token = SecretRules.CheckToken(request.ClientRequestToken);
        if (request.RotationToken is not null)
        {
            throw RotationUnsupported();
        }
        return store.RetryOnConflictAsync(async ct =>
        {
            var secret = await LiveAsync(request.SecretId, scope, now, ct).ConfigureAwait(false);
            var version = await AddVersionAsync(secret, scope, token, request.SecretString, request.SecretBinary, request.VersionStages, now, ct).ConfigureAwait(false);
            return new PutSecretValueResponse { ARN = secret.Value.Arn, Name = secret.Value.Name, VersionId = version.VersionId, VersionStages = version.Stages };
        }, cancellationToken);
    }

    /// <summary>UpdateSecret: metadata, and with a value a new AWSCURRENT version, as PutSecretValue.</summary>
    public Task<UpdateSecretResponse> UpdateAsync(UpdateSecretRequest request, ResourceScope scope, DateTimeOffset now, CancellationToken cancellationToken)
    {
        SecretRules.CheckValue(request.SecretString, request.SecretBinary, required: false);
        var token = SecretRules.CheckToken(request.ClientRequestToken);
        return store.RetryOnConflictAsync(async ct =>
        {
            var secret = await LiveAsync(request.SecretId, scope, now, ct).ConfigureAwait(false);
            var updated = secret.Value with
            {
                Description = request.Description ?? secret.Value.Description,
                KmsKeyId = request.KmsKeyId ?? secret.Value.KmsKeyId,
                LastChangedDate = now,
            };
            var versioned = secret with { Value = updated };
            if (request.SecretString is null && request.SecretBinary is null)
            {
                await changes.CommitAsync(store, [SecretRecords.PutSecret(scope, updated, secret.Version)], ct).ConfigureAwait(false);
                return new UpdateSecretResponse { ARN = updated.Arn, Name = updated.Name };
            }
            var version = await AddVersionAsync(versioned, scope, token, request.SecretString, request.SecretBinary, null, now, ct).ConfigureAwait(false);
            return new UpdateSecretResponse { ARN = updated.Arn, Name = updated.Name, VersionId = version.VersionId };
        }, cancellationToken);
    }

    /// <summary>DescribeSecret answers for a secret scheduled for deletion too (with its DeletedDate), as Secrets Manager does.</summary>
    public async Task<DescribeSecretResponse> DescribeAsync(string? secretId, ResourceScope scope, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var secret = (await FindAsync(secretId, scope, now, cancellationToken).ConfigureAwait(false)).Value;
        return new DescribeSecretResponse
        {
            ARN = secret.Arn,
            Name = secret.Name,
            Description = secret.Description,
            KmsKeyId = secret.KmsKeyId,
            RotationEnabled = false,
            LastChangedDate = secret.LastChangedDate,
            LastAccessedDate = secret.LastAccessedDate,
            DeletedDate = secret.DeletedDate,
            Tags = Tags(secret),
            VersionIdsToStages = Stages(secret),
            CreatedDate = secret.CreatedDate,
        };
    }

    /// <summary>The region's secrets that pass the filters, by name; those scheduled for deletion only when asked for.</summary>
    public async Task<IReadOnlyList<SecretListEntry>> ListAsync(IReadOnlyList<Filter>? filters, bool includePlannedDeletion, ResourceScope scope, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var predicate = SecretFilters.From(filters);
        var records = await store.QueryAsync(SecretRecords.Secrets, new RecordQuery(SecretRecords.Secrets.Kind, SecretRecords.SecretScope(scope)), cancellationToken)
            .ConfigureAwait(false);
        return [.. records.Select(r => r.Value)
            .Where(s => !s.IsPurged(now) && (includePlannedDeletion || s.DeletedDate is null) && predicate.Matches(s, scope.Region))
            .Select(s => new SecretListEntry
            {
                ARN = s.Arn,
                Name = s.Name,
                Description = s.Description,
                KmsKeyId = s.KmsKeyId,
                RotationEnabled = false,
                LastChangedDate = s.LastChangedDate,
                LastAccessedDate = s.LastAccessedDate,
                DeletedDate = s.DeletedDate,
                Tags = Tags(s),
                SecretVersionsToStages = Stages(s),
                CreatedDate = s.CreatedDate,
            })];
    }

    /// <summary>The secret's versions, newest first; deprecated ones (no staging label) only when asked for.</summary>
    public async Task<(SecretRecord Secret, IReadOnlyList<SecretVersionsListEntry> Versions)> VersionsAsync(string? secretId, bool includeDeprecated,
        ResourceScope scope, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var secret = (await FindAsync(secretId, scope, now, cancellationToken).ConfigureAwait(false)).Value;
        return (secret, [.. secret.Versions.Where(v => includeDeprecated || v.Stages.Count > 0).Reverse().Select(v => new SecretVersionsListEntry
        {
            VersionId = v.VersionId,
            VersionStages = v.Stages,
            CreatedDate = v.CreatedDate,
            KmsKeyIds = [secret.KmsKeyId ?? SecretRules.DefaultKmsKeyId],
        })]);
    }

    public Task<DeleteSecretResponse> DeleteAsync(DeleteSecretRequest request, ResourceScope scope, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var force = request.ForceDeleteWithoutRecovery == true;
        var deletionDate = SecretRules.DeletionDate(request.RecoveryWindowInDays, force, now);
        return store.RetryOnConflictAsync(async ct =>
        {
            var secret = await FindAsync(request.SecretId, scope, now, ct).ConfigureAwait(false);
            if (secret.Value.DeletedDate is not null && !force)
            {
                throw SecretsManagerErrors.MarkedForDeletion();
            }
            await changes.CommitAsync(store, [force
                ? SecretRecords.Secrets.Delete(secret)
                : SecretRecords.PutSecret(scope, secret.Value with { DeletedDate = now, DeletionDate = deletionDate }, secret.Version)], ct).ConfigureAwait(false);
            return new DeleteSecretResponse { ARN = secret.Value.Arn, Name = secret.Value.Name, DeletionDate = deletionDate };
        }, cancellationToken);
    }

    public Task<RestoreSecretResponse> RestoreAsync(string? secretId, ResourceScope scope, DateTimeOffset now, CancellationToken cancellationToken) =>
        store.RetryOnConflictAsync(async ct =>
        {
            var secret = await FindAsync(secretId, scope, now, ct).ConfigureAwait(false);
            if (secret.Value.DeletedDate is not null)
            {
                await changes.CommitAsync(store, [SecretRecords.PutSecret(scope, secret.Value with { DeletedDate = null, DeletionDate = null, LastChangedDate = now }, secret.Version)],
                    ct).ConfigureAwait(false);
            }
            return new RestoreSecretResponse { ARN = secret.Value.Arn, Name = secret.Value.Name };
        }, cancellationToken);

    public Task<UpdateSecretVersionStageResponse> MoveStageAsync(UpdateSecretVersionStageRequest request, ResourceScope scope, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var stage = request.VersionStage is { Length: > 0 } s ? s : throw new InvalidParameterException("You must specify VersionStage.");
        return store.RetryOnConflictAsync(async ct =>
        {
            var secret = await LiveAsync(request.SecretId, scope, now, ct).ConfigureAwait(false);
            var versions = StagingLabels.Move(secret.Value.Versions, stage, request.RemoveFromVersionId, request.MoveToVersionId);
            await changes.CommitAsync(store, [SecretRecords.PutSecret(scope, secret.Value with { Versions = versions, LastChangedDate = now }, secret.Version)], ct)
                .ConfigureAwait(false);
            return new UpdateSecretVersionStageResponse { ARN = secret.Value.Arn, Name = secret.Value.Name };
        }, cancellationToken);
    }

    public Task<TagResourceResponse> TagAsync(string? secretId, IReadOnlyList<Tag>? tags, ResourceScope scope, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var added = (tags ?? throw new InvalidParameterException("You must specify Tags."))
            .Select(t => new KeyValuePair<string, string>(t.Key ?? "", t.Value ?? "")).ToList();
        return ChangeAsync(secretId, scope, now, secret => secret with { Tags = [.. secret.Tags.Where(t => added.All(a => a.Key != t.Key)), .. added] },
            new TagResourceResponse(), cancellationToken);
    }

    public Task<UntagResourceResponse> UntagAsync(string? secretId, IReadOnlyList<string>? keys, ResourceScope scope, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var removed = keys ?? throw new InvalidParameterException("You must specify TagKeys.");
        return ChangeAsync(secretId, scope, now, secret => secret with { Tags = [.. secret.Tags.Where(t => !removed.Contains(t.Key, StringComparer.Ordinal))] },
            new UntagResourceResponse(), cancellationToken);
    }

    /// <summary>Deletes for good the secrets whose recovery window has passed; returns how many.</summary>
    public async Task<int> PurgeDueAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var due = (await store.QueryAsync(SecretRecords.Secrets, new RecordQuery(SecretRecords.Secrets.Kind, Scope: null), cancellationToken).ConfigureAwait(false))
            .Where(s => s.Value.IsPurged(now)).ToList();
        var purged = 0;
        foreach (var secret in due)
        {
            try
            {
                await changes.CommitAsync(store, [SecretRecords.Secrets.Delete(secret)], cancellationToken).ConfigureAwait(false);
                purged++;
            }
            catch (ConcurrencyConflictException)
            {
                // Restored (or re-created) meanwhile: the next pass looks again.
            }
        }
        return purged;
    }

    /// <summary>The full ARN of the secret a SecretId names, for authorizing a read of it; null when there is none.</summary>
    internal async Task<string?> ArnAsync(string secretId, ResourceScope scope, DateTimeOffset now, CancellationToken cancellationToken)
    {
        try
        {
            return (await FindAsync(secretId, scope, now, cancellationToken).ConfigureAwait(false)).Value.Arn;
        }
        catch (ResourceNotFoundException)
        {
            return null;
        }
    }

    /// <summary>The plaintext of the version a secret reference selects, for secret injection.</summary>
    internal async Task<string> ValueAsync(SecretReference reference, ResourceScope scope, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var secret = await LiveAsync(reference.SecretId, scope, now, cancellationToken).ConfigureAwait(false);
        var (text, binary) = Open(secret.Value, Select(secret.Value, reference.VersionId, reference.VersionStage));
        return text ?? Convert.ToBase64String(binary!);
    }

    /// <summary>The version a secret reference selects, null when there is none; another one means another value.</summary>
    internal async Task<SecretVersion?> SelectedVersionAsync(SecretReference reference, ResourceScope scope, DateTimeOffset now, CancellationToken cancellationToken)
    {
        try
        {
            var secret = await LiveAsync(reference.SecretId, scope, now, cancellationToken).ConfigureAwait(false);
            return Select(secret.Value, reference.VersionId, reference.VersionStage);
        }
        catch (AwsServiceException)
        {
            return null;
        }
    }

    /// <summary>
    /// Adds a version and commits the secret; a retried request (the same ClientRequestToken and value) gets the
    /// version it made the first time, the same token with another value is refused.
    /// </summary>
    private async Task<SecretVersion> AddVersionAsync(Versioned<SecretRecord> secret, ResourceScope scope, string? token, string? text, byte[]? binary,
        IReadOnlyList<string>? stages, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (token is not null && secret.Value.Version(token) is { } existing)
        {
            return SameValue(secret.Value, existing, text, binary)
                ? existing
                : throw new ResourceExistsException("You can't modify an existing version, you can only create a new version.");
        }
        var versionId = token ?? Guid.NewGuid().ToString();
        var versions = StagingLabels.Add(secret.Value.Versions, Seal(secret.Value.Arn, versionId, text, binary, now), stages);
        await changes.CommitAsync(store, [SecretRecords.PutSecret(scope, secret.Value with { Versions = versions, LastChangedDate = now }, secret.Version)], cancellationToken)
            .ConfigureAwait(false);
        return versions.Single(v => v.VersionId == versionId);
    }

    private Task<TResponse> ChangeAsync<TResponse>(string? secretId, ResourceScope scope, DateTimeOffset now, Func<SecretRecord, SecretRecord> change,
        TResponse response, CancellationToken cancellationToken) =>
        store.RetryOnConflictAsync(async ct =>
        {
            var secret = await FindAsync(secretId, scope, now, ct).ConfigureAwait(false);
            await changes.CommitAsync(store, [SecretRecords.PutSecret(scope, change(secret.Value) with { LastChangedDate = now }, secret.Version)], ct).ConfigureAwait(false);
            return response;
        }, cancellationToken);

    /// <summary>The secret, refused while it is scheduled for deletion.</summary>
    private async Task<Versioned<SecretRecord>> LiveAsync(string? secretId, ResourceScope scope, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var secret = await FindAsync(secretId, scope, now, cancellationToken).ConfigureAwait(false);
        return secret.Value.DeletedDate is null ? secret : throw SecretsManagerErrors.MarkedForDeletion();
    }

    /// <summary>The secret a SecretId names (name, full ARN or partial ARN), scheduled for deletion or not; gone once its window has passed.</summary>
    private async Task<Versioned<SecretRecord>> FindAsync(string? secretId, ResourceScope scope, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var id = secretId is { Length: > 0 } given ? given : throw new InvalidParameterException("You must specify SecretId.");
        foreach (var name in SecretRules.CandidateNames(id))
        {
            if (await store.GetAsync(SecretRecords.Secrets, SecretRecords.SecretId(scope, name), cancellationToken).ConfigureAwait(false) is { } found &&
                SecretRules.Names(id, found.Value) && !found.Value.IsPurged(now))
            {
                return found;
            }
        }
        throw SecretsManagerErrors.SecretNotFound();
    }

    private static SecretVersion Select(SecretRecord secret, string? versionId, string? stage)
    {
        var version = versionId is not null ? secret.Version(versionId) : secret.Staged(stage ?? SecretRules.Current);
        if (version is null || stage is not null && !version.Stages.Contains(stage, StringComparer.Ordinal))
        {
            throw new ResourceNotFoundException(versionId is not null
                ? $"Secrets Manager can't find the specified secret value for VersionId: {versionId}"
                : $"Secrets Manager can't find the specified secret value for staging label: {stage ?? SecretRules.Current}");
        }
        return version;
    }

    private SecretVersion Seal(string arn, string versionId, string? text, byte[]? binary, DateTimeOffset now) => new(
        versionId,
        text is null ? null : cipher.Protect(text, SecretRecords.SecretValueBinding(arn, versionId)),
        binary is null ? null : cipher.Protect(Convert.ToBase64String(binary), SecretRecords.SecretValueBinding(arn, versionId)),
        now,
        []);

    private (string? Text, byte[]? Binary) Open(SecretRecord secret, SecretVersion version) => (
        version.SealedString is { } text ? Unseal(text, SecretRecords.SecretValueBinding(secret.Arn, version.VersionId)) : null,
        version.SealedBinary is { } binary ? Convert.FromBase64String(Unseal(binary, SecretRecords.SecretValueBinding(secret.Arn, version.VersionId))) : null);

    /// <summary>A value this server's key does not open is Secrets Manager's DecryptionFailure (a 400), not an internal error.</summary>
    private string Unseal(string sealedValue, string binding) =>
        cipher.TryUnprotect(sealedValue, binding, out var value) ? value : throw SecretsManagerErrors.CannotDecrypt();

    private bool SameValue(SecretRecord secret, SecretVersion version, string? text, byte[]? binary)
    {
        var (storedText, storedBinary) = Open(secret, version);
        return storedText == text && (storedBinary ?? []).AsSpan().SequenceEqual(binary ?? []);
    }

    private static IReadOnlyList<Tag> Tags(SecretRecord secret) => [.. secret.Tags.Select(t => new Tag { Key = t.Key, Value = t.Value })];

    private static IReadOnlyDictionary<string, IReadOnlyList<string>> Stages(SecretRecord secret) =>
        secret.Versions.Where(v => v.Stages.Count > 0).ToDictionary(v => v.VersionId, v => v.Stages, StringComparer.Ordinal);
}
