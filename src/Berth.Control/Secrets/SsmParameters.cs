using Berth.Core.Arns;
using Berth.Core.Errors;
using Berth.Core.Ssm;
using Berth.Store;
using Berth.Store.Identity;

namespace Berth.Control.Secrets;

/// <summary>
/// SSM Parameter Store: parameters with their versions, labels and tags, one store record each. SecureString values
/// are sealed by the data directory's <see cref="SecretCipher"/> (bound to the parameter and version) and opened only
/// for a request WithDecryption; without it they are answered sealed, as Parameter Store answers its KMS ciphertext.
/// Errors are Parameter Store's. Values are never logged.
/// </summary>
public sealed class SsmParameters(IStateStore store, SecretCipher cipher, SecretChanges changes)
{
    public const int MaxNamesPerRequest = 10;

    public Task<PutParameterResult> PutAsync(PutParameterRequest request, ResourceScope scope, string principalArn, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var name = ParameterRules.ValidateName(request.Name);
        var value = request.Value ?? throw new ValidationException("1 validation error detected: Value null at 'value' failed to satisfy constraint: Member must not be null");
        if (!string.IsNullOrEmpty(request.Policies))
        {
            throw new InvalidPolicyTypeException("Berth does not apply parameter policies (Expiration, ExpirationNotification, NoChangeNotification); put the parameter without Policies.");
        }
        if (request.Tags is { Count: > 0 } && request.Overwrite == true)
        {
            throw new ValidationException("Invalid request: tags and overwrite can't be used together. To create a parameter with tags, please remove overwrite flag. " +
                "To update tags for an existing parameter, please use AddTagsToResource or RemoveTagsFromResource.");
        }
        var tags = Tags(request.Tags, new Dictionary<string, string>(StringComparer.Ordinal));
        return store.RetryOnConflictAsync(async ct =>
        {
            var current = await store.GetAsync(SecretRecords.Parameters, SecretRecords.ParameterId(scope, name), ct).ConfigureAwait(false);
            if (current is not null && request.Overwrite != true)
            {
                throw new ParameterAlreadyExists();
            }
            var latest = current?.Value.Latest;
            var type = ParameterRules.Type(request.Type, latest?.Type);
            if (request.KeyId is not null && type != ParameterRules.SecureString)
            {
                throw new ValidationException("KeyId is required for SecureString type parameter only.");
            }
            var allowedPattern = request.AllowedPattern ?? latest?.AllowedPattern;
            ParameterRules.CheckPattern(allowedPattern, value);
            var tier = ParameterRules.Tier(request.Tier, latest?.Tier, value);
            var number = (latest?.Version ?? 0) + 1;
            var keyId = type == ParameterRules.SecureString ? request.KeyId ?? latest?.KeyId ?? ParameterRules.DefaultKeyId : null;
            var stored = type == ParameterRules.SecureString ? cipher.Protect(value, Binding(scope, name, number)) : value;
            var version = new ParameterVersion(number, type, stored, keyId, request.Description ?? latest?.Description, allowedPattern, tier,
                ParameterRules.DataType(request.DataType ?? latest?.DataType), now, principalArn, []);
            var versions = (current?.Value.Versions ?? []).Append(version).ToList();
            if (versions.Count > ParameterRules.MaxVersions)
            {
                if (versions[0].Labels.Count > 0)
                {
                    throw new ParameterMaxVersionLimitExceeded($"You attempted to create a new version of {name} by calling the PutParameter API with the overwrite flag. " +
                        $"Version {versions[0].Version}, the oldest version, can't be deleted because it has a label associated with it. Move the label to another version of the parameter, and try again.");
                }
                versions.RemoveAt(0);
            }
            var parameter = new ParameterRecord(name, ParameterRules.Arn(scope, name), versions, current?.Value.Tags ?? tags);
            await changes.CommitAsync(store, [SecretRecords.PutParameter(scope, parameter, current?.Version ?? 0)], ct).ConfigureAwait(false);
            return new PutParameterResult { Version = number, Tier = tier };
        }, cancellationToken);
    }

    public async Task<Parameter> GetAsync(string? name, bool withDecryption, ResourceScope scope, CancellationToken cancellationToken)
    {
        var reference = ParameterReference.Parse(name ?? throw new ValidationException("1 validation error detected: Value null at 'name' failed to satisfy constraint: Member must not be null"));
        var parameter = await FindAsync(scope, reference.Names, cancellationToken).ConfigureAwait(false) ?? throw new ParameterNotFound();
        var version = reference.Select(parameter.Value);
        if (version is null)
        {
            throw reference.Version is { } missing
                ? new ParameterVersionNotFound($"Systems Manager could not find version {missing} of {parameter.Value.Name}. Verify the version and try again.")
                : new ParameterNotFound();
        }
        return Answer(scope, parameter.Value, version, withDecryption, reference.Selector);
    }

    /// <summary>GetParameters: what was found, and the names as given of what was not (a missing version or label counts as missing).</summary>
    public async Task<GetParametersResult> GetManyAsync(IReadOnlyList<string>? names, bool withDecryption, ResourceScope scope, CancellationToken cancellationToken)
    {
        var wanted = CheckNames(names);
        var found = new List<Parameter>();
        var invalid = new List<string>();
        foreach (var given in wanted)
        {
            var reference = ParameterReference.Parse(given);
            var parameter = await FindAsync(scope, reference.Names, cancellationToken).ConfigureAwait(false);
            if (parameter is not null && reference.Select(parameter.Value) is { } version)
            {
                found.Add(Answer(scope, parameter.Value, version, withDecryption, reference.Selector));
            }
            else
            {
                invalid.Add(given);
            }
        }
        return new GetParametersResult { Parameters = found, InvalidParameters = invalid };
    }

    /// <summary>The parameters under <paramref name="path"/> that pass the filters (latest versions, or those a Label filter names), by name.</summary>
    public async Task<IReadOnlyList<Parameter>> ByPathAsync(string? path, bool recursive, IReadOnlyList<ParameterStringFilter>? filters, bool withDecryption,
        ResourceScope scope, CancellationToken cancellationToken)
    {
        var root = ParameterRules.ValidatePath(path);
        var predicate = ParameterFilters.ForPath(filters);
        return [.. (await AllAsync(scope, cancellationToken).ConfigureAwait(false))
            .Where(p => ParameterRules.InPath(p.Name, root, recursive) && predicate.Matches(p))
            .Select(p => Answer(scope, p, predicate.Selected(p), withDecryption, selector: null))];
    }

    /// <summary>DescribeParameters: the metadata (never the value) of the parameters that pass the filters, by name.</summary>
    public async Task<IReadOnlyList<ParameterMetadata>> DescribeAsync(ParameterFilters filters, ResourceScope scope, CancellationToken cancellationToken) =>
        [.. (await AllAsync(scope, cancellationToken).ConfigureAwait(false)).Where(filters.Matches).Select(p => new ParameterMetadata
        {
            Name = p.Name,
            ARN = p.Arn,
            Type = p.Latest.Type,
            KeyId = p.Latest.KeyId,
            LastModifiedDate = p.Latest.LastModifiedDate,
            LastModifiedUser = p.Latest.LastModifiedUser,
            Description = p.Latest.Description,
            AllowedPattern = p.Latest.AllowedPattern,
            Version = p.Latest.Version,
            Tier = p.Latest.Tier,
            Policies = [],
            DataType = p.Latest.DataType,
        })];

    public async Task DeleteAsync(string? name, ResourceScope scope, CancellationToken cancellationToken)
    {
        if (!await TryDeleteAsync(name ?? "", scope, cancellationToken).ConfigureAwait(false))
        {
            throw new ParameterNotFound();
        }
    }

    public async Task<DeleteParametersResult> DeleteManyAsync(IReadOnlyList<string>? names, ResourceScope scope, CancellationToken cancellationToken)
    {
        var deleted = new List<string>();
        var invalid = new List<string>();
        foreach (var name in CheckNames(names))
        {
            (await TryDeleteAsync(name, scope, cancellationToken).ConfigureAwait(false) ? deleted : invalid).Add(name);
        }
        return new DeleteParametersResult { DeletedParameters = deleted, InvalidParameters = invalid };
    }

    /// <summary>Every version kept, oldest first, with its labels.</summary>
    public async Task<IReadOnlyList<ParameterHistory>> HistoryAsync(string? name, bool withDecryption, ResourceScope scope, CancellationToken cancellationToken)
    {
        var reference = ParameterReference.Parse(name ?? "");
        var parameter = await FindAsync(scope, reference.Names, cancellationToken).ConfigureAwait(false) ?? throw new ParameterNotFound();
        return [.. parameter.Value.Versions.Select(v => new ParameterHistory
        {
            Name = parameter.Value.Name,
            Type = v.Type,
            KeyId = v.KeyId,
            LastModifiedDate = v.LastModifiedDate,
            LastModifiedUser = v.LastModifiedUser,
            Description = v.Description,
            Value = Reveal(scope, parameter.Value, v, withDecryption),
            AllowedPattern = v.AllowedPattern,
            Version = v.Version,
            Labels = v.Labels,
            Tier = v.Tier,
            Policies = [],
            DataType = v.DataType,
        })];
    }

    /// <summary>Attaches labels to a version (the latest by default), moving each from the version that had it; invalid labels are answered, not attached.</summary>
    public Task<LabelParameterVersionResult> LabelAsync(LabelParameterVersionRequest request, ResourceScope scope, CancellationToken cancellationToken)
    {
        var labels = CheckLabels(request.Labels);
        return store.RetryOnConflictAsync(async ct =>
        {
            var parameter = await GetExactAsync(request.Name, scope, ct).ConfigureAwait(false);
            var target = Target(parameter.Value, request.ParameterVersion);
            var valid = labels.Where(ParameterRules.IsValidLabel).ToList();
            var versions = parameter.Value.Versions.Select(v => v.Version == target.Version
                ? v with { Labels = [.. v.Labels.Union(valid, StringComparer.Ordinal)] }
                : v with { Labels = [.. v.Labels.Except(valid, StringComparer.Ordinal)] }).ToList();
            if (versions.Single(v => v.Version == target.Version).Labels.Count > ParameterRules.MaxLabelsPerVersion)
            {
                throw new ParameterVersionLabelLimitExceeded("A parameter version can have maximum 10 labels.Move one or more labels to another version and try again.");
            }
            await changes.CommitAsync(store, [SecretRecords.PutParameter(scope, parameter.Value with { Versions = versions }, parameter.Version)], ct).ConfigureAwait(false);
            return new LabelParameterVersionResult { InvalidLabels = [.. labels.Except(valid, StringComparer.Ordinal)], ParameterVersion = target.Version };
        }, cancellationToken);
    }

    /// <summary>Removes labels from a version; those it does not have are answered as invalid.</summary>
    public Task<UnlabelParameterVersionResult> UnlabelAsync(UnlabelParameterVersionRequest request, ResourceScope scope, CancellationToken cancellationToken)
    {
        var labels = CheckLabels(request.Labels);
        return store.RetryOnConflictAsync(async ct =>
        {
            var parameter = await GetExactAsync(request.Name, scope, ct).ConfigureAwait(false);
            var target = Target(parameter.Value, request.ParameterVersion ??
                throw new ValidationException("1 validation error detected: Value null at 'parameterVersion' failed to satisfy constraint: Member must not be null"));
            var removed = labels.Where(l => target.Labels.Contains(l, StringComparer.Ordinal)).ToList();
            var versions = parameter.Value.Versions.Select(v => v.Version == target.Version ? v with { Labels = [.. v.Labels.Except(removed, StringComparer.Ordinal)] } : v).ToList();
            await changes.CommitAsync(store, [SecretRecords.PutParameter(scope, parameter.Value with { Versions = versions }, parameter.Version)], ct).ConfigureAwait(false);
            return new UnlabelParameterVersionResult { RemovedLabels = removed, InvalidLabels = [.. labels.Except(removed, StringComparer.Ordinal)] };
        }, cancellationToken);
    }

    public async Task<IReadOnlyList<Tag>> ListTagsAsync(string? resourceType, string? resourceId, ResourceScope scope, CancellationToken cancellationToken)
    {
        var parameter = await TaggedAsync(resourceType, resourceId, scope, cancellationToken).ConfigureAwait(false);
        return [.. parameter.Value.Tags.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => new Tag { Key = t.Key, Value = t.Value })];
    }

    public Task AddTagsAsync(string? resourceType, string? resourceId, IReadOnlyList<Tag>? tags, ResourceScope scope, CancellationToken cancellationToken) =>
        ChangeTagsAsync(resourceType, resourceId, scope, current => Tags(tags, current), cancellationToken);

    public Task RemoveTagsAsync(string? resourceType, string? resourceId, IReadOnlyList<string>? keys, ResourceScope scope, CancellationToken cancellationToken) =>
        ChangeTagsAsync(resourceType, resourceId, scope,
            current => current.Where(t => !(keys ?? []).Contains(t.Key, StringComparer.Ordinal)).ToDictionary(StringComparer.Ordinal), cancellationToken);

    /// <summary>The plaintext of a parameter's version that a reference selects, for secret injection; null when there is none.</summary>
    internal async Task<string?> ValueAsync(ParameterReference reference, ResourceScope scope, CancellationToken cancellationToken) =>
        await SelectAsync(reference, scope, cancellationToken).ConfigureAwait(false) is var (parameter, version)
            ? Reveal(scope, parameter, version, withDecryption: true)
            : null;

    /// <summary>The version a reference selects, null when there is none; another one means another value.</summary>
    internal async Task<ParameterVersion?> SelectedVersionAsync(ParameterReference reference, ResourceScope scope, CancellationToken cancellationToken) =>
        (await SelectAsync(reference, scope, cancellationToken).ConfigureAwait(false))?.Version;

    private async Task<(ParameterRecord Parameter, ParameterVersion Version)?> SelectAsync(ParameterReference reference, ResourceScope scope,
        CancellationToken cancellationToken)
    {
        var parameter = await FindAsync(scope, reference.Names, cancellationToken).ConfigureAwait(false);
        return parameter is not null && reference.Select(parameter.Value) is { } version ? (parameter.Value, version) : null;
    }

    private Task ChangeTagsAsync(string? resourceType, string? resourceId, ResourceScope scope,
        Func<IReadOnlyDictionary<string, string>, IReadOnlyDictionary<string, string>> change, CancellationToken cancellationToken) =>
        store.RetryOnConflictAsync(async ct =>
        {
            var parameter = await TaggedAsync(resourceType, resourceId, scope, ct).ConfigureAwait(false);
            var tags = change(parameter.Value.Tags);
            await changes.CommitAsync(store, [SecretRecords.PutParameter(scope, parameter.Value with { Tags = tags }, parameter.Version)], ct).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    private async Task<Versioned<ParameterRecord>> TaggedAsync(string? resourceType, string? resourceId, ResourceScope scope, CancellationToken cancellationToken)
    {
        if (resourceType != "Parameter")
        {
            throw new InvalidResourceType();
        }
        return await FindAsync(scope, ParameterReference.Parse(resourceId ?? "").Names, cancellationToken).ConfigureAwait(false) ?? throw new InvalidResourceId();
    }

    private async Task<bool> TryDeleteAsync(string name, ResourceScope scope, CancellationToken cancellationToken)
    {
        var parameter = await FindAsync(scope, ParameterReference.Parse(name).Names, cancellationToken).ConfigureAwait(false);
        if (parameter is null)
        {
            return false;
        }
        try
        {
            await changes.CommitAsync(store, [SecretRecords.Parameters.Delete(parameter)], cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (ConcurrencyConflictException)
        {
            // Changed meanwhile: delete what is there now (or find it gone).
            return await TryDeleteAsync(name, scope, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<Versioned<ParameterRecord>> GetExactAsync(string? name, ResourceScope scope, CancellationToken cancellationToken) =>
        await FindAsync(scope, ParameterReference.Parse(name ?? "").Names, cancellationToken).ConfigureAwait(false) ?? throw new ParameterNotFound();

    private async Task<Versioned<ParameterRecord>?> FindAsync(ResourceScope scope, IReadOnlyList<string> names, CancellationToken cancellationToken)
    {
        foreach (var name in names)
        {
            if (await store.GetAsync(SecretRecords.Parameters, SecretRecords.ParameterId(scope, name), cancellationToken).ConfigureAwait(false) is { } found)
            {
                return found;
            }
        }
        return null;
    }

    private async Task<IEnumerable<ParameterRecord>> AllAsync(ResourceScope scope, CancellationToken cancellationToken) =>
        (await store.QueryAsync(SecretRecords.Parameters, new RecordQuery(SecretRecords.Parameters.Kind, SecretRecords.ParameterScope(scope)), cancellationToken)
            .ConfigureAwait(false)).Select(p => p.Value);

    private Parameter Answer(ResourceScope scope, ParameterRecord parameter, ParameterVersion version, bool withDecryption, string? selector) => new()
    {
        Name = parameter.Name,
        Type = version.Type,
        Value = Reveal(scope, parameter, version, withDecryption),
        Version = version.Version,
        Selector = selector,
        LastModifiedDate = version.LastModifiedDate,
        ARN = parameter.Arn,
        DataType = version.DataType,
    };

    /// <summary>A SecureString this server's key does not open is Parameter Store's InvalidKeyId (a 400), not an internal error.</summary>
    private string Reveal(ResourceScope scope, ParameterRecord parameter, ParameterVersion version, bool withDecryption) =>
        version.Type != ParameterRules.SecureString || !withDecryption ? version.Value
        : cipher.TryUnprotect(version.Value, Binding(scope, parameter.Name, version.Version), out var value) ? value
        : throw SsmErrors.CannotDecrypt(parameter.Name);

    private static string Binding(ResourceScope scope, string name, long version) =>
        SecretRecords.ParameterValueBinding(SecretRecords.ParameterId(scope, name), version);

    private static ParameterVersion Target(ParameterRecord parameter, long? version) =>
        version is { } wanted
            ? parameter.Version(wanted) ?? throw new ParameterVersionNotFound($"Systems Manager could not find version {wanted} of {parameter.Name}. Verify the version and try again.")
            : parameter.Latest;

    private static IReadOnlyList<string> CheckNames(IReadOnlyList<string>? names) =>
        names is { Count: > 0 and <= MaxNamesPerRequest }
            ? [.. names.Distinct(StringComparer.Ordinal)]
            : throw new ValidationException($"1 validation error detected: Value at 'names' failed to satisfy constraint: Member must have length between 1 and {MaxNamesPerRequest}");

    private static IReadOnlyList<string> CheckLabels(IReadOnlyList<string>? labels) =>
        labels is { Count: > 0 and <= ParameterRules.MaxLabelsPerVersion }
            ? [.. labels.Distinct(StringComparer.Ordinal)]
            : throw new ValidationException("1 validation error detected: Value at 'labels' failed to satisfy constraint: Member must have length between 1 and 10");

    private static IReadOnlyDictionary<string, string> Tags(IReadOnlyList<Tag>? tags, IReadOnlyDictionary<string, string> current)
    {
        var merged = current.ToDictionary(StringComparer.Ordinal);
        foreach (var tag in tags ?? [])
        {
            merged[tag.Key is { Length: > 0 } key ? key : throw new ValidationException("1 validation error detected: Value null at 'tags.member.key' failed to satisfy constraint: Member must not be null")] =
                tag.Value ?? "";
        }
        return merged.Count <= ParameterRules.MaxTags ? merged : throw new TooManyTagsError("The Tags parameter exceeds the limit of 50 tags.");
    }
}
