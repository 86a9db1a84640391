namespace Berth.Agent;

/// <summary>
/// The access key the agent signs its requests to the control plane with (SigV4), as an AWS SDK's credentials: a
/// long-term key, or temporary credentials with their session token.
/// </summary>
public sealed record AgentCredentials(string AccessKeyId, string SecretAccessKey, string? SessionToken = null)
{
    /// <summary>Names the key only: options are logged and printed, the secret and the token never are.</summary>
    public override string ToString() => $"{nameof(AgentCredentials)} {{ {nameof(AccessKeyId)} = {AccessKeyId} }}";
}
