namespace Berth.Core.Identity.Policies;

/// <summary>
/// One statement. <see cref="Resource"/> is null in a role trust policy (which has none); <see cref="Principal"/>
/// is null in an identity policy (which may not have one).
/// </summary>
public sealed record PolicyStatement(
    string? Sid,
    PolicyEffect Effect,
    PolicyMatch Action,
    PolicyMatch? Resource,
    PolicyPrincipals? Principal,
    IReadOnlyList<PolicyCondition> Conditions);
