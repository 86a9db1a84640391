using Berth.Core.Placement.Query;

namespace Berth.Core.Tests.Placement.Query;

/// <summary>A container instance as plain data, for testing expressions on their own.</summary>
internal sealed record FakeSubject : IQuerySubject
{
    public string? Ec2InstanceId { get; init; } = "i-0abc1234";

    public bool AgentConnected { get; init; } = true;

    public string? AgentVersion { get; init; } = "1.14.5";

    public DateTimeOffset RegisteredAt { get; init; } = new(2018, 6, 18, 22, 28, 28, TimeSpan.Zero);

    public int RunningTasksCount { get; init; } = 3;

    public IReadOnlyDictionary<string, string?> Attributes { get; init; } = new Dictionary<string, string?>
    {
        ["ecs.instance-type"] = "t2.small",
        ["ecs.availability-zone"] = "us-east-1a",
        ["ecs.os-type"] = "linux",
        ["stack"] = "prod",
        ["cores"] = "16",
        ["owner"] = "team a",
        ["ecs.capability.docker-remote-api.1.38"] = null,
    };

    public IReadOnlyList<string> TaskGroups { get; init; } = ["service:production", "family:batch"];

    public bool TryGetAttribute(string name, out string? value) => Attributes.TryGetValue(name, out value);
}
