namespace Berth.Core.Identity.Policies;

/// <summary>
/// One condition key under one operator: <c>"StringLike": {"aws:ResourceTag/env": ["dev", "test"]}</c>. The
/// operator keeps its <c>ForAnyValue:</c>/<c>ForAllValues:</c> qualifier and <c>IfExists</c> suffix; values are
/// the JSON values as text (numbers and booleans as written).
/// </summary>
public sealed record PolicyCondition(string Operator, string Key, IReadOnlyList<string> Values);
