using Berth.Core.Arns;
using Berth.Core.Daemons;
using Berth.Core.Ecs;
using Berth.Core.Errors;

namespace Berth.Core.Tests.Daemons;

public class DaemonTaskDefinitionsTests
{
    private static readonly ResourceScope Scope = new("us-east-1", "000000000000");
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 12, 0, 0, TimeSpan.Zero);

    private static RegisterDaemonTaskDefinitionRequest Request => new()
    {
        Family = "agent",
        Cpu = "0.25 vcpu",
        ContainerDefinitions =
        [
            new DaemonContainerDefinition
            {
                Name = "collector", Image = "berth/sample-tools", Memory = 64,
                LinuxParameters = new DaemonLinuxParameters { InitProcessEnabled = true },
            },
        ],
        Volumes = [new DaemonVolume { Name = "logs", Host = new HostVolumeProperties { SourcePath = "/var/log" } }],
    };

    [Fact]
    public void Builds_the_revision_with_normalized_sizes_under_its_own_arn()
    {
        var built = DaemonTaskDefinitions.Build(Request, DaemonTaskDefinitions.Validate(Request), Scope, 3, Now, "me");

        Assert.Equal("arn:aws:ecs:us-east-1:000000000000:daemon-task-definition/agent:3", built.DaemonTaskDefinitionArn);
        Assert.Equal(("256", 3, "ACTIVE", Now), (built.Cpu, built.Revision, built.Status, built.RegisteredAt));
    }

    [Fact]
    public void Runs_as_the_task_definition_it_stands_for()
    {
        var built = DaemonTaskDefinitions.Build(Request, DaemonTaskDefinitions.Validate(Request), Scope, 1, Now, "me");

        var task = DaemonTaskDefinitions.AsTaskDefinition(built);

        Assert.Equal(built.DaemonTaskDefinitionArn, task.TaskDefinitionArn);
        var container = Assert.Single(task.ContainerDefinitions!);
        Assert.Equal(("collector", 64, true, 0), (container.Name, container.Memory, container.Essential, container.Cpu));
        Assert.True(container.LinuxParameters!.InitProcessEnabled);
        Assert.Equal("/var/log", Assert.Single(task.Volumes!).Host!.SourcePath);
    }

    [Fact]
    public void Is_validated_by_the_task_definition_rules()
    {
        var error = Assert.Throws<ClientException>(() => DaemonTaskDefinitions.Validate(Request with { ContainerDefinitions = [] }));

        Assert.Equal("Container list cannot be empty.", error.Message);
        Assert.Throws<InvalidParameterException>(() => DaemonTaskDefinitions.Validate(Request with { Family = "no spaces" }));
    }

    [Theory]
    [InlineData("agent", "agent", null)]
    [InlineData("agent:4", "agent", 4)]
    [InlineData("arn:aws:ecs:us-east-1:000000000000:daemon-task-definition/agent:4", "agent", 4)]
    public void Is_named_by_family_revision_or_arn(string text, string family, int? revision)
    {
        Assert.True(DaemonTaskDefinitionRef.TryParse(Scope, text, out var reference));
        Assert.Equal((family, revision), (reference.Family, reference.Revision));
    }

    [Fact]
    public void A_task_definition_arn_is_not_a_daemon_task_definition() =>
        Assert.False(DaemonTaskDefinitionRef.TryParse(Scope, "arn:aws:ecs:us-east-1:000000000000:task-definition/agent:4", out _));
}
