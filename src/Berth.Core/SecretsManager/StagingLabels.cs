using Berth.Core.Errors;

namespace Berth.Core.SecretsManager;

/// <summary>
/// How staging labels move between a secret's versions, as Secrets Manager moves them: a label is on one version at
/// most; moving AWSCURRENT to another version gives the version that had it AWSPREVIOUS; versions left without a
/// label are deprecated, and the oldest of them go once a secret has more than <see cref="MaxVersions"/>.
/// </summary>
public static class StagingLabels
{
    public const int MaxVersions = 100;

    /// <summary>The versions after adding <paramref name="added"/> with <paramref name="stages"/> (AWSCURRENT when none are given).</summary>
    public static IReadOnlyList<SecretVersion> Add(IReadOnlyList<SecretVersion> versions, SecretVersion added, IReadOnlyList<string>? stages)
    {
        var labels = stages is { Count: > 0 } ? stages.Distinct(StringComparer.Ordinal).ToList() : [SecretRules.Current];
        var result = versions.Append(added with { Stages = [] }).ToList();
        foreach (var label in labels)
        {
            result = Attach(result, label, added.VersionId);
        }
        return Prune(result);
    }

    /// <summary>UpdateSecretVersionStage: moves <paramref name="stage"/> to <paramref name="moveTo"/>, or removes it from <paramref name="removeFrom"/>.</summary>
    public static IReadOnlyList<SecretVersion> Move(IReadOnlyList<SecretVersion> versions, string stage, string? removeFrom, string? moveTo)
    {
        var holder = versions.FirstOrDefault(v => v.Stages.Contains(stage, StringComparer.Ordinal));
        if (removeFrom is not null && holder?.VersionId != removeFrom)
        {
            throw new InvalidParameterException($"The staging label {stage} is not attached to the version {removeFrom}, so it can't be removed from it.");
        }
        if (moveTo is null)
        {
            if (removeFrom is null)
            {
                throw new InvalidParameterException("You must specify MoveToVersionId or RemoveFromVersionId.");
            }
            if (stage == SecretRules.Current)
            {
                throw new InvalidParameterException("You can only move staging label AWSCURRENT to a different secret version. It can't be completely removed.");
            }
            return [.. versions.Select(v => v.VersionId == removeFrom ? v with { Stages = [.. v.Stages.Where(s => s != stage)] } : v)];
        }
        if (versions.All(v => v.VersionId != moveTo))
        {
            throw new ResourceNotFoundException($"Secrets Manager can't find the specified secret value for VersionId: {moveTo}");
        }
        if (holder is not null && holder.VersionId != moveTo && removeFrom is null)
        {
            throw new InvalidParameterException($"The parameter RemoveFromVersionId can't be empty. Staging label {stage} is currently attached to version " +
                $"{holder.VersionId}, so you must explicitly reference that version in RemoveFromVersionId.");
        }
        return Prune(Attach(versions, stage, moveTo));
    }

    /// <summary>Puts <paramref name="stage"/> on one version; AWSCURRENT leaves AWSPREVIOUS on the version it came from.</summary>
    private static List<SecretVersion> Attach(IReadOnlyList<SecretVersion> versions, string stage, string versionId)
    {
        var holder = versions.FirstOrDefault(v => v.Stages.Contains(stage, StringComparer.Ordinal));
        var demoted = stage == SecretRules.Current && holder is not null && holder.VersionId != versionId ? holder.VersionId : null;
        return [.. versions.Select(v =>
        {
            var labels = v.Stages.Where(s => s != stage && (demoted is null || s != SecretRules.Previous)).ToList();
            if (v.VersionId == versionId)
            {
                labels.Add(stage);
            }
            if (v.VersionId == demoted)
            {
                labels.Add(SecretRules.Previous);
            }
            return v with { Stages = labels };
        })];
    }

    private static IReadOnlyList<SecretVersion> Prune(List<SecretVersion> versions)
    {
        while (versions.Count > MaxVersions && versions.FindIndex(v => v.Stages.Count == 0) is var oldest and >= 0)
        {
            versions.RemoveAt(oldest);
        }
        return versions;
    }
}
