using Berth.Core.Arns;
using Berth.Core.TaskDefinitions;

namespace Berth.Core.Daemons;

/// <summary>
/// A daemon task definition as callers name it: <c>family</c>, <c>family:revision</c> or its full ARN — the forms a task
/// definition is named by (<see cref="TaskDefinitionRef"/>), under the daemon task definition's own ARN type.
/// </summary>
public static class DaemonTaskDefinitionRef
{
    public static bool TryParse(ResourceScope requestScope, string? text, out TaskDefinitionRef reference)
    {
        if (EcsArn.TryParse(text, out var arn))
        {
            reference = null!;
            return arn.ResourceType == DaemonArns.TaskDefinitionType && TaskDefinitionRef.TryParse(arn.Scope, arn.ResourceId, out reference);
        }
        return TaskDefinitionRef.TryParse(requestScope, text, out reference);
    }

    /// <summary>The ARN of a reference that names a revision, or null for a bare family.</summary>
    public static string? ArnOf(TaskDefinitionRef reference) =>
        reference.Revision is { } revision ? DaemonArns.TaskDefinition(reference.Scope, reference.Family, revision) : null;
}
