namespace Berth.Agent.ControlPlane;

/// <summary>
/// What a request to the control plane is signed for: the service's signing name and, when the call names its own,
/// the region (an awslogs container's awslogs-region); null falls back to <see cref="AgentOptions.Region"/>.
/// <paramref name="As"/> signs with other credentials than the agent's (a task's execution role).
/// </summary>
internal sealed record SigningScope(string Service, string? Region = null, AgentCredentials? As = null)
{
    public static readonly HttpRequestOptionsKey<SigningScope> Key = new("berth.signing-scope");

    public static readonly SigningScope Ecs = new("ecs");
}
