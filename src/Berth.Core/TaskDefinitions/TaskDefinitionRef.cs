using System.Globalization;
using Berth.Core.Arns;
using Berth.Core.Validation;

namespace Berth.Core.TaskDefinitions;

/// <summary>
/// A task definition as callers name it: <c>family</c> (the latest ACTIVE revision), <c>family:revision</c>,
/// or the full ARN <c>arn:aws:ecs:region:account:task-definition/family:revision</c>.
/// </summary>
public sealed record TaskDefinitionRef(ResourceScope Scope, string Family, int? Revision)
{
    public static bool TryParse(ResourceScope requestScope, string? text, out TaskDefinitionRef reference)
    {
        reference = null!;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }
        var scope = requestScope;
        var name = text;
        if (EcsArn.TryParse(text, out var arn))
        {
            if (arn.ResourceType != "task-definition")
            {
                return false;
            }
            scope = arn.Scope;
            name = arn.ResourceId;
        }
        var colon = name.LastIndexOf(':');
        var family = colon < 0 ? name : name[..colon];
        int? revision = null;
        if (colon >= 0)
        {
            if (!int.TryParse(name[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number < 1)
            {
                return false;
            }
            revision = number;
        }
        if (!Require.IsValidName(family))
        {
            return false;
        }
        reference = new TaskDefinitionRef(scope, family, revision);
        return true;
    }

    public string? Arn => Revision is { } revision ? Scope.TaskDefinitionArn(Family, revision) : null;
}
