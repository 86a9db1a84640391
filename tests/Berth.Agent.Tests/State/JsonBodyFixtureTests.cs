using System.Text.Json;
using System.Text.Json.Serialization;
using Berth.Agent.State;
using Berth.Agent.Tests.Support;
using Berth.Core.Agent;
using Berth.Core.Cost;
using Berth.Core.Ecs;
using Berth.Core.Networking;
using Berth.Core.State;
using Berth.Core.Tasks;
using Microsoft.Extensions.Logging.Abstractions;

namespace Berth.Agent.Tests.State;

/// <summary>
/// Stored records, the agent protocol and the agent's state file share the ECS shapes' JSON contracts. Every
/// member of each body is set, and the bytes must match the fixtures captured before the contexts were merged
/// (docs/performance.md, Idle memory): how the shapes are generated may change, what is written and read may not.
/// </summary>
public sealed class JsonBodyFixtureTests : IDisposable
{
    private static readonly Dictionary<string, (Type Type, JsonSerializerContext Contracts)> Bodies = new(StringComparer.Ordinal)
    {
        ["Cluster"] = (typeof(Cluster), StateJsonContext.Default),
        ["CapacityProvider"] = (typeof(CapacityProvider), StateJsonContext.Default),
        ["TaskDefinitionRecord"] = (typeof(TaskDefinitionRecord), StateJsonContext.Default),
        ["TaskDefinitionFamily"] = (typeof(TaskDefinitionFamily), StateJsonContext.Default),
        ["Setting"] = (typeof(Setting), StateJsonContext.Default),
        ["ContainerInstanceRecord"] = (typeof(ContainerInstanceRecord), StateJsonContext.Default),
        ["AgentHeartbeatRecord"] = (typeof(AgentHeartbeatRecord), StateJsonContext.Default),
        ["TaskAssignmentRecord"] = (typeof(TaskAssignmentRecord), StateJsonContext.Default),
        ["EcsTask"] = (typeof(EcsTask), StateJsonContext.Default),
        ["ServiceRecord"] = (typeof(ServiceRecord), StateJsonContext.Default),
        ["TaskProtectionRecord"] = (typeof(TaskProtectionRecord), StateJsonContext.Default),
        ["RunTaskTokenRecord"] = (typeof(RunTaskTokenRecord), StateJsonContext.Default),
        ["NetworkRegistry"] = (typeof(NetworkRegistry), StateJsonContext.Default),
        ["Subnet"] = (typeof(Subnet), StateJsonContext.Default),
        ["SecurityGroup"] = (typeof(SecurityGroup), StateJsonContext.Default),
        ["SubnetAddressLease"] = (typeof(SubnetAddressLease), StateJsonContext.Default),
        ["EngineAttachments"] = (typeof(EngineAttachments), StateJsonContext.Default),
        ["TaskUsage"] = (typeof(TaskUsage), StateJsonContext.Default),
        ["AgentIdentity"] = (typeof(AgentIdentity), StateJsonContext.Default),
        ["AgentPollRequest"] = (typeof(AgentPollRequest), StateJsonContext.Default),
        ["AgentPollResponse"] = (typeof(AgentPollResponse), StateJsonContext.Default),
        ["AgentTaskReport"] = (typeof(AgentTaskReport), StateJsonContext.Default),
        ["AgentStatsReport"] = (typeof(AgentStatsReport), StateJsonContext.Default),
        ["AgentJoinRequest"] = (typeof(AgentJoinRequest), StateJsonContext.Default),
        ["AgentJoinResponse"] = (typeof(AgentJoinResponse), StateJsonContext.Default),
        ["AgentJoinTokenRecord"] = (typeof(AgentJoinTokenRecord), StateJsonContext.Default),
        ["CreateJoinTokenRequest"] = (typeof(CreateJoinTokenRequest), StateJsonContext.Default),
        ["CreateJoinTokenResponse"] = (typeof(CreateJoinTokenResponse), StateJsonContext.Default),
        ["ListJoinTokensRequest"] = (typeof(ListJoinTokensRequest), StateJsonContext.Default),
        ["ListJoinTokensResponse"] = (typeof(ListJoinTokensResponse), StateJsonContext.Default),
        ["RevokeJoinTokenRequest"] = (typeof(RevokeJoinTokenRequest), StateJsonContext.Default),
        ["JoinTokenView"] = (typeof(JoinTokenView), StateJsonContext.Default),
    };

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "berth-fixture-" + Guid.NewGuid().ToString("N"));

    public static TheoryData<string> BodyNames => [.. Bodies.Keys];

    [Theory]
    [MemberData(nameof(BodyNames))]
    public void A_fully_set_body_is_written_and_read_back_as_before(string name)
    {
        var (type, contracts) = Bodies[name];
        var typeInfo = contracts.GetTypeInfo(type)!;
        var expected = Fixture(name);

        Assert.Equal(expected, JsonSerializer.Serialize(Populated.Create(type), typeInfo));
        Assert.Equal(expected, JsonSerializer.Serialize(JsonSerializer.Deserialize(expected, typeInfo), typeInfo));
    }

    [Fact]
    public void A_claim_stored_with_the_status_claims_no_longer_carry_reads_as_the_same_claim()
    {
        // Claims stored before a report stopped rewriting them carry their task's status then; it is ignored.
        const string stored = """{"TaskArn":"s2","LastStatus":"RUNNING","ClusterArn":"s3","Group":"s4","TaskDefinitionFamily":"s5","Cpu":6,"Memory":7,"TcpPorts":[9],"UdpPorts":[11],"Network":{"SubnetId":"s13","SecurityGroupIds":["s15"]}}""";

        var claim = JsonSerializer.Deserialize(stored, StateJsonContext.Default.TaskAssignmentRecord);

        Assert.Equal(Fixture("TaskAssignmentRecord"), JsonSerializer.Serialize(claim, StateJsonContext.Default.TaskAssignmentRecord));
    }

    [Fact]
    public async Task The_agent_state_file_is_read_and_written_as_before()
    {
        Directory.CreateDirectory(_dir);
        var expected = Fixture("AgentStateDocument");
        File.WriteAllText(Path.Combine(_dir, StateStore.FileName), expected);

        var store = StateStore.Open(_dir, NullLogger<StateStore>.Instance);
        var (taskArn, task) = store.Snapshot().Tasks.Single();
        store.PutTask(taskArn, task);
        await store.FlushAsync(CancellationToken.None);

        Assert.Equal(expected, File.ReadAllText(Path.Combine(_dir, StateStore.FileName)));
    }

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    private static string Fixture(string name) =>
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "State", "Fixtures", name + ".json")).TrimEnd('\n');
}
