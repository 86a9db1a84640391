using System.Text.Json;
using Berth.Core.Arns;

namespace Berth.Core.Identity.Authorization;

/// <summary>
/// What one operation is authorized against, from the Service Authorization Reference's "Resource types" column:
/// the required resource types, or members holding the ARN of a resource of any type (TagResource), or a
/// function for the few operations whose resource the request spells its own way. An operation without a rule
/// is authorized against <c>*</c>, as AWS does for actions without resource-level permissions.
/// </summary>
internal sealed record OperationRule(
    IReadOnlyList<string> ResourceTypes,
    IReadOnlyList<string> ArnMembers,
    Func<JsonElement, ResourceScope, IEnumerable<RequestedResource>>? Custom = null,
    bool AlwaysAllowed = false)
{
    public static OperationRule Types(params string[] types) => new(types, []);

    public static OperationRule ArnsIn(params string[] members) => new([], members);

    public static OperationRule Computed(Func<JsonElement, ResourceScope, IEnumerable<RequestedResource>> resources) => new([], [], resources);

    /// <summary>An operation AWS lets every authenticated caller perform (no policy can deny it).</summary>
    public static readonly OperationRule Unconditional = new([], [], AlwaysAllowed: true);
}
