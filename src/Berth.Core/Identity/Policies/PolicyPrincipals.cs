namespace Berth.Core.Identity.Policies;

/// <summary>
/// A Principal or NotPrincipal element: <c>"*"</c> (<see cref="IsEveryone"/>), or principals by type —
/// <c>AWS</c> (account roots, users, roles, sessions; a bare account id is stored as its root ARN),
/// <c>Service</c> (<c>ecs-tasks.amazonaws.com</c>), <c>Federated</c> and <c>CanonicalUser</c>.
/// </summary>
public sealed record PolicyPrincipals(bool IsEveryone, IReadOnlyDictionary<string, IReadOnlyList<string>> ByType, bool IsNot)
{
    public IReadOnlyList<string> OfType(string type) => ByType.TryGetValue(type, out var values) ? values : [];
}
