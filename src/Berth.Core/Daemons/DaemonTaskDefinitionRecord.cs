using Berth.Core.Ecs;

namespace Berth.Core.Daemons;

/// <summary>A daemon task definition revision as stored: the wire shape and its tags (which the shape does not carry).</summary>
public sealed record DaemonTaskDefinitionRecord(DaemonTaskDefinition Definition, IReadOnlyList<Tag> Tags);
