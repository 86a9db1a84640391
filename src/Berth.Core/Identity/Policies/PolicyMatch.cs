namespace Berth.Core.Identity.Policies;

/// <summary>
/// An Action or Resource element (<see cref="IsNot"/> for NotAction and NotResource): patterns with <c>*</c> and
/// <c>?</c> wildcards, of which any may match.
/// </summary>
public sealed record PolicyMatch(IReadOnlyList<string> Patterns, bool IsNot);
