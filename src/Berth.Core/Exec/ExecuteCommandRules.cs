using Berth.Core.Ecs;
using Berth.Core.Errors;
using Berth.Core.Tasks;
using Berth.Core.Validation;

namespace Berth.Core.Exec;

/// <summary>
/// ExecuteCommand's checks (ECS API reference, ExecuteCommand; ECS Exec troubleshooting): the request, then the task and
/// the container the command runs in. A task that was not started with <c>enableExecuteCommand</c>, or whose container's
/// ExecuteCommandAgent is not RUNNING, is refused with ECS's own words.
/// </summary>
public static class ExecuteCommandRules
{
    public const string NotEnabledMessage =
        "The execute command failed because execute command was not enabled when the task was run or the execute command agent isn't running. "
        + "Wait and try again or run a new task with execute command enabled and try again.";

    /// <summary>ECS's limit on the command string.</summary>
    public const int MaxCommandLength = 4096;

    /// <summary>The command as the words it runs (split as a shell would, without expanding anything).</summary>
    public static IReadOnlyList<string> ValidateRequest(ExecuteCommandRequest request)
    {
        Require.NotBlank(request.Task, "task");
        var command = Require.NotBlank(request.Command, "command");
        Require.That(command.Length <= MaxCommandLength, $"command can be at most {MaxCommandLength} characters.");
        if (request.Interactive != true)
        {
            // ECS API reference: "Amazon ECS only supports initiating interactive sessions, so you must specify true for this value."
            throw new InvalidParameterException("Interactive is the only mode supported currently.");
        }
        return ExecCommandLine.Split(command);
    }

    /// <summary>The container the command runs in: the one named, or the task's only container.</summary>
    public static Container ContainerFor(EcsTask task, string? containerName)
    {
        if (task.EnableExecuteCommand != true)
        {
            throw new InvalidParameterException(NotEnabledMessage);
        }
        var containers = task.Containers ?? [];
        var container = containerName is null
            ? containers.Count == 1 ? containers[0] : throw new InvalidParameterException("The task has more than one container; specify the container name.")
            : containers.FirstOrDefault(c => c.Name == containerName)
                ?? throw new InvalidParameterException($"The container {containerName} does not exist in the task {task.TaskArn}.");
        if (task.LastStatus != TaskStatuses.Running || task.DesiredStatus != TaskStatuses.Running || !ExecuteCommandAgent.IsRunning(container))
        {
            throw new InvalidParameterException(NotEnabledMessage);
        }
        return container;
    }
}
