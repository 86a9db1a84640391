using System.Text.Json.Serialization;
using Berth.Core.Ecs;

namespace Berth.Core.Agent;

/// <summary>
/// <c>POST /_berth/agent/v1/join</c>: an agent without an identity of its own registers its instance and receives the
/// instance's access key. It proves it may join with a join token (<see cref="JoinToken"/>, the request then unsigned)
/// or by signing with a key allowed ecs:RegisterContainerInstance on the cluster (the root key, an admin's).
/// </summary>
public sealed record AgentJoinRequest
{
    /// <summary>A token made by <c>berth agent token create</c> for the registration's cluster; null when the request is signed.</summary>
    [JsonPropertyName("joinToken")] public string? JoinToken { get; init; }

    /// <summary>The RegisterContainerInstance request the agent would otherwise send.</summary>
    [JsonPropertyName("registration")] public required RegisterContainerInstanceRequest Registration { get; init; }

    /// <summary>Keeps the token out of logs.</summary>
    public override string ToString() => $"{nameof(AgentJoinRequest)} {{ Cluster = {Registration.Cluster}, JoinToken = {(JoinToken is null ? "none" : "***")} }}";
}

/// <summary>The registered instance, as RegisterContainerInstance answers it, and the access key it signs with from now on.</summary>
public sealed record AgentJoinResponse
{
    [JsonPropertyName("containerInstance")] public required ContainerInstance ContainerInstance { get; init; }
    [JsonPropertyName("credentials")] public required AgentKey Credentials { get; init; }
}

/// <summary>A long-term access key of an agent: its principal is its container instance's ARN.</summary>
public sealed record AgentKey
{
    [JsonPropertyName("accessKeyId")] public required string AccessKeyId { get; init; }
    [JsonPropertyName("secretAccessKey")] public required string SecretAccessKey { get; init; }

    /// <summary>Names the key only.</summary>
    public override string ToString() => $"{nameof(AgentKey)} {{ {nameof(AccessKeyId)} = {AccessKeyId} }}";
}
