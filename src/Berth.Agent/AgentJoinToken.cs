namespace Berth.Agent;

/// <summary>A join token an admin made for the agent's cluster (<c>berth-join.…</c>); a secret, so never printed.</summary>
public sealed record AgentJoinToken(string Value)
{
    public override string ToString() => $"{nameof(AgentJoinToken)} {{ *** }}";
}
