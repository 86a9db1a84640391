using Berth.Core.Agent;
using Berth.Core.Ecs;

namespace Berth.Agent.Tests.Support;

/// <summary>Task assignments as the server would send them, for tests.</summary>
public static class TestTasks
{
    public const string WebImage = "berth/sample-web:latest";
    public const string ToolsImage = "berth/sample-tools:latest";
    public const string PauseImage = "berth/pause:latest";

    public static TaskAssignment Assignment(string family, string? networkMode, params ContainerDefinition[] containers) =>
        Assignment(family, networkMode, null, containers);

    public static TaskAssignment Assignment(string family, string? networkMode, IReadOnlyList<Volume>? volumes, params ContainerDefinition[] containers)
    {
        var id = Guid.NewGuid().ToString("N");
        var taskArn = $"arn:aws:ecs:us-east-1:000000000000:task/default/{id}";
        return new TaskAssignment
        {
            Task = new EcsTask
            {
                TaskArn = taskArn,
                ClusterArn = "arn:aws:ecs:us-east-1:000000000000:cluster/default",
                TaskDefinitionArn = $"arn:aws:ecs:us-east-1:000000000000:task-definition/{family}:1",
                DesiredStatus = "RUNNING",
                LastStatus = "PROVISIONING",
                LaunchType = "EC2",
                Containers = containers.Select(c => new Container
                {
                    Name = c.Name,
                    Image = c.Image,
                    TaskArn = taskArn,
                    ContainerArn = $"arn:aws:ecs:us-east-1:000000000000:container/default/{id}/{Guid.NewGuid()}",
                    LastStatus = "PENDING",
                }).ToList(),
            },
            TaskDefinition = new TaskDefinition
            {
                TaskDefinitionArn = $"arn:aws:ecs:us-east-1:000000000000:task-definition/{family}:1",
                Family = family,
                Revision = 1,
                NetworkMode = networkMode,
                ContainerDefinitions = containers,
                Volumes = volumes,
                Status = "ACTIVE",
            },
        };
    }

    public static ContainerDefinition Web(string name = "web", int hostPort = 0) => new()
    {
        Name = name,
        Image = WebImage,
        Essential = true,
        Memory = 64,
        PortMappings = [new PortMapping { ContainerPort = 80, HostPort = hostPort, Protocol = "tcp" }],
    };

    public static ContainerDefinition Tools(string name, string script, bool essential = true) => new()
    {
        Name = name,
        Image = ToolsImage,
        Essential = essential,
        Memory = 32,
        Command = ["sh", "-c", script],
    };
}
