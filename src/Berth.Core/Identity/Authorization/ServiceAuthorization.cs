using System.Text.Json;
using Berth.Core.Arns;

namespace Berth.Core.Identity.Authorization;

/// <summary>
/// A service's authorization data: its resource types, the variables they share, each operation's rule, and the
/// service's own condition keys a request sets.
/// </summary>
internal sealed record ServiceAuthorization(
    string Service,
    IReadOnlyList<ResourceType> ResourceTypes,
    IReadOnlyDictionary<string, VariableSource> Variables,
    IReadOnlyDictionary<string, OperationRule> Operations,
    Func<string, JsonElement, ResourceScope, ServiceAuthorization, RequestContext, RequestContext>? ConditionKeys = null)
{
    public ResourceType Type(string name) => ResourceTypes.First(t => t.Name == name);
}
