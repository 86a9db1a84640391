using Berth.Core.Ecs;

namespace Berth.Core.Tests.TaskDefinitions;

/// <summary>Small valid requests that each test changes in the one place it is about.</summary>
internal static class TaskDefinitionRequests
{
    public static ContainerDefinition Container(string name = "web") =>
        new() { Name = name, Image = "nginx:latest", Memory = 128 };

    public static RegisterTaskDefinitionRequest Bridge(params ContainerDefinition[] containers) =>
        new() { Family = "web", ContainerDefinitions = containers.Length == 0 ? [Container()] : containers };

    public static RegisterTaskDefinitionRequest Fargate(string cpu = "256", string memory = "512") => new()
    {
        Family = "web",
        NetworkMode = "awsvpc",
        RequiresCompatibilities = ["FARGATE"],
        Cpu = cpu,
        Memory = memory,
        ContainerDefinitions = [new ContainerDefinition { Name = "web", Image = "nginx:latest" }],
    };
}
