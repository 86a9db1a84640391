using Berth.Core.Ecs;

namespace Berth.Core.State;

/// <summary>A registered revision as stored: ECS returns the tags beside the task definition, not in it.</summary>
public sealed record TaskDefinitionRecord(TaskDefinition Definition, IReadOnlyList<Tag> Tags);

/// <summary>
/// Per-family bookkeeping, updated in the same commit as each revision: the revision counter (revisions
/// are never reused, even after deletion) and how many revisions are ACTIVE, which
/// ListTaskDefinitionFamilies filters on.
/// </summary>
public sealed record TaskDefinitionFamily(string Name, int LastRevision, int ActiveRevisions);
