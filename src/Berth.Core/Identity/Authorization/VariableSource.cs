namespace Berth.Core.Identity.Authorization;

/// <summary>
/// Where a service's requests say an ARN variable that several resource types share (ECS's cluster): the first
/// of these members present, or, when none is, the default (ECS's <c>default</c> cluster).
/// </summary>
internal sealed record VariableSource(IReadOnlyList<string> Members, string? Default = null);
