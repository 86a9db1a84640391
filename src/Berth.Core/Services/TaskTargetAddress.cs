using Berth.Core.Ecs;
using Berth.Core.Networking;

namespace Berth.Core.Services;

/// <summary>
/// Where a service's task is registered in a target group, as ECS registers it: an awsvpc task by its ENI's private
/// IPv4 address and the container port (target type ip); a bridge or host task by its container instance's
/// instance id and the host port Docker bound to the container port (target type instance).
/// </summary>
public static class TaskTargetAddress
{
    /// <summary>The target id and port, or null while the task has no address yet (no ENI, no binding reported).</summary>
    public static (string Id, int Port)? Of(EcsTask task, LoadBalancer loadBalancer, string? ec2InstanceId)
    {
        if (loadBalancer.ContainerPort is not { } containerPort)
        {
            return null;
        }
        if (EniAttachment.Of(task) is { } eni)
        {
            return EniAttachment.DetailOf(eni, EniAttachment.PrivateIPv4Address) is { } address ? (address, containerPort) : null;
        }
        var binding = task.Containers?
            .FirstOrDefault(c => c.Name == loadBalancer.ContainerName)?
            .NetworkBindings?
            .FirstOrDefault(b => b.ContainerPort == containerPort && b.HostPort is not null);
        return ec2InstanceId is not null && binding?.HostPort is { } hostPort ? (ec2InstanceId, hostPort) : null;
    }

    /// <summary>ECS requires target type ip for awsvpc tasks and instance for bridge and host tasks.</summary>
    public static string TargetTypeFor(string? networkMode) => networkMode == "awsvpc" ? "ip" : "instance";
}
