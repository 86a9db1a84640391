namespace Berth.Core.Identity.Policies;

/// <summary>What a policy document is attached to, which decides the elements it must and must not have.</summary>
public enum PolicyKind
{
    /// <summary>Attached to a user or role (inline or managed): Action and Resource, no Principal.</summary>
    Identity,

    /// <summary>A role's trust policy (AssumeRolePolicyDocument): Principal and STS actions, no Resource.</summary>
    RoleTrust,

    /// <summary>Attached to a resource (a secret's resource policy): Principal, Action and Resource.</summary>
    Resource,
}
