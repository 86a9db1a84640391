using System.Buffers;
using System.Text;
using System.Text.Json;
using Berth.Api.Agent;
using Berth.Core.Agent;
using Berth.Core.Ecs;
using Berth.Core.Networking;
using Berth.Core.State;

namespace Berth.Api.Tests.Agent;

/// <summary>The poll answer written from kept pieces is, byte for byte, what the protocol's serializer writes for it.</summary>
public sealed class PollAnswerTests
{
    private static readonly EcsTask Task = new()
    {
        TaskArn = "arn:aws:ecs:us-east-1:000000000000:task/poll/a",
        ClusterArn = "arn:aws:ecs:us-east-1:000000000000:cluster/poll",
        DesiredStatus = "RUNNING",
        Group = "family:<job> & \"é\"",
        Containers = [new Container { Name = "web", LastStatus = "PENDING" }],
    };

    private static readonly TaskDefinition Definition = new()
    {
        TaskDefinitionArn = "arn:aws:ecs:us-east-1:000000000000:task-definition/job:1",
        Family = "job",
        ContainerDefinitions = [new ContainerDefinition { Name = "web", Image = "nginx" }],
    };

    private static readonly TaskRoleCredentials Credentials = new()
    {
        RoleArn = "arn:aws:iam::000000000000:role/app",
        AccessKeyId = "ASIAEXAMPLE",
        SecretAccessKey = "secret",
        Token = "token",
        Expiration = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000),
    };

    public static TheoryData<string> Answers => ["bare", "every member", "exec sessions"];

    [Theory]
    [MemberData(nameof(Answers))]
    public void The_answer_from_kept_pieces_is_the_serializers_answer(string name)
    {
        var everything = name != "bare";
        var assignment = new TaskAssignment
        {
            Task = Task,
            TaskDefinition = Definition,
            Network = everything
                ? new TaskNetworkAssignment
                {
                    SubnetId = "subnet-1",
                    CidrBlock = "10.0.0.0/24",
                    PrivateIPv4Address = "10.0.0.5",
                    MacAddress = "02:00:00:00:00:05",
                    SecurityGroups = [new SecurityGroup { GroupId = "sg-1", GroupName = "default", VpcId = "vpc-1" }],
                }
                : null,
            RoleCredentials = everything ? Credentials : null,
            ExecutionRoleCredentials = everything ? Credentials with { RoleArn = "arn:aws:iam::000000000000:role/exec" } : null,
            Secrets = everything
                ? new Dictionary<string, ContainerSecretValues> { ["web"] = new() { Environment = new Dictionary<string, string> { ["DB"] = "pw<&>" }, LogOptions = new Dictionary<string, string>() } }
                : null,
        };
        IReadOnlyList<ExecSessionAssignment>? execs = name == "exec sessions"
            ? [new ExecSessionAssignment { SessionId = "s-1", TaskArn = Task.TaskArn!, ContainerName = "web", Command = ["sh", "-c", "ls"] }]
            : null;
        var expected = JsonSerializer.Serialize(new AgentPollResponse { AssignmentsVersion = 7, Tasks = [assignment, assignment], ExecSessions = execs }, StateJsonContext.Default.AgentPollResponse);
        var kept = new AssignmentAnswer(PollAnswer.Json(Task), PollAnswer.Json(Definition), assignment.Network, assignment.RoleCredentials,
            assignment.ExecutionRoleCredentials, assignment.Secrets);

        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            PollAnswer.Write(writer, 7, [kept, kept], execs);
        }

        Assert.Equal(expected, Encoding.UTF8.GetString(buffer.WrittenSpan));
    }
}
