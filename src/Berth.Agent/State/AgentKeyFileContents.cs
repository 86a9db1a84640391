using System.Text.Json.Serialization;

namespace Berth.Agent.State;

/// <summary>What <see cref="AgentKeyFile"/> keeps: the instance the agent joined as and that instance's key.</summary>
internal sealed record AgentKeyFileContents(
    [property: JsonPropertyName("containerInstanceArn")] string ContainerInstanceArn,
    [property: JsonPropertyName("accessKeyId")] string AccessKeyId,
    [property: JsonPropertyName("secretAccessKey")] string SecretAccessKey)
{
    public AgentCredentials Credentials => new(AccessKeyId, SecretAccessKey);

    public override string ToString() => $"{nameof(AgentKeyFileContents)} {{ {ContainerInstanceArn}, {AccessKeyId} }}";
}

[JsonSerializable(typeof(AgentKeyFileContents))]
internal sealed partial class AgentKeyFileJsonContext : JsonSerializerContext;
