using Berth.Core.Iam;
using Berth.Core.Identity.Policies;

namespace Berth.Control.Identity;

/// <summary>
/// The permissions users and roles both hold: named inline policies and attached managed policy ARNs, changed the
/// same way for both with IAM's errors and quotas.
/// </summary>
internal static class PolicySet
{
    /// <summary>IAM's default quota of managed policies attached to one user or role.</summary>
    public const int MaxAttachedPolicies = 10;

    /// <summary>The inline policies with <paramref name="name"/> added or replaced, after checking the document is a valid identity policy.</summary>
    public static IReadOnlyDictionary<string, string> Put(IReadOnlyDictionary<string, string> policies, string name, string document)
    {
        ParsedPolicies.Validate(document, PolicyKind.Identity);
        return new Dictionary<string, string>(policies, StringComparer.Ordinal) { [name] = document };
    }

    /// <param name="entity">IAM's word for the holder in its message: <c>user</c> or <c>role</c>.</param>
    public static string Get(IReadOnlyDictionary<string, string> policies, string name, string entity) =>
        policies.GetValueOrDefault(name) ?? throw NoSuchPolicy(name, entity);

    public static IReadOnlyDictionary<string, string> Remove(IReadOnlyDictionary<string, string> policies, string name, string entity) =>
        policies.ContainsKey(name) ? policies.Where(p => p.Key != name).ToDictionary(StringComparer.Ordinal) : throw NoSuchPolicy(name, entity);

    /// <summary>The attachments with <paramref name="policyArn"/> added (attaching twice changes nothing).</summary>
    /// <param name="quotaName">IAM's name of the quota: <c>PoliciesPerUser</c>, <c>PoliciesPerRole</c>.</param>
    public static IReadOnlyList<string> Attach(IReadOnlyList<string> attached, string policyArn, string quotaName)
    {
        if (attached.Contains(policyArn))
        {
            return attached;
        }
        return attached.Count >= MaxAttachedPolicies
            ? throw new LimitExceededException($"Cannot exceed quota for {quotaName}: {MaxAttachedPolicies}")
            : [.. attached, policyArn];
    }

    public static IReadOnlyList<string> Detach(IReadOnlyList<string> attached, string policyArn) =>
        attached.Contains(policyArn) ? [.. attached.Where(a => a != policyArn)] : throw new NoSuchEntityException($"Policy {policyArn} was not found.");

    private static NoSuchEntityException NoSuchPolicy(string name, string entity) => new($"The {entity} policy with name {name} cannot be found.");
}
