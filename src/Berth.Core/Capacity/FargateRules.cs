using Berth.Core.Ecs;
using Berth.Core.Errors;

namespace Berth.Core.Capacity;

/// <summary>
/// What RunTask and CreateService check and fill in for tasks on Fargate capacity, with ECS's wording: the
/// platform version (LATEST resolves to 1.4.0 on Linux), the ephemeral storage every task gets (20 GiB unless
/// an override asks for up to 200), and the refusal of placement strategies and constraints, which Fargate
/// does not support (ECS developer guide, "Amazon ECS task placement": "Task placement strategies and
/// constraints aren't supported for tasks using the Fargate launch type").
/// </summary>
public static class FargateRules
{
    public const string LaunchType = "FARGATE";
    public const string PlatformVersion = "1.4.0";
    public const string PlatformFamily = "Linux";
    public const int DefaultEphemeralStorageGiB = 20;
    public const int MaxEphemeralStorageGiB = 200;

    /// <summary>The RunTask failure reason when the pool cannot fit a task (re:Post, "Capacity is unavailable" for Fargate RunTask).</summary>
    public const string CapacityUnavailable = "Capacity is unavailable at this time. Please try again later or in a different availability zone";

    /// <summary>The platform version a task reports: 1.4.0 for Fargate, none for EC2 (which must not name one).</summary>
    public static string? PlatformVersionFor(string launchType, string? requested)
    {
        if (launchType != LaunchType)
        {
            return requested is null
                ? null
                : throw new InvalidParameterException($"The platform version must be null when specifying an {launchType} launch type.");
        }
        return requested switch
        {
            null or "LATEST" or PlatformVersion => PlatformVersion,
            "1.3.0" or "1.2.0" or "1.1.0" or "1.0.0" => throw new UnsupportedFeatureException(
                $"Berth runs Fargate platform version {PlatformVersion} (LATEST) only; {requested} is not available."),
            _ => throw new InvalidParameterException($"The specified platform version ({requested}) does not exist."),
        };
    }

    /// <summary>Fargate places tasks itself: RunTask and CreateService refuse strategies and constraints for it.</summary>
    public static void RefusePlacement(string launchType, int strategies, int constraints)
    {
        if (launchType == LaunchType && (strategies > 0 || constraints > 0))
        {
            throw new InvalidParameterException("Task placement strategies and constraints are not supported with the FARGATE launch type.");
        }
    }

    /// <summary>An override of the task's ephemeral storage: Fargate accepts 20–200 GiB (20 being the default it gives anyway).</summary>
    public static void ValidateEphemeralStorage(string launchType, EphemeralStorage? storage)
    {
        if (storage is null)
        {
            return;
        }
        if (launchType != LaunchType)
        {
            throw new InvalidParameterException("Ephemeral storage overrides are only supported for tasks using the FARGATE launch type.");
        }
        if (storage.SizeInGiB is not (>= DefaultEphemeralStorageGiB and <= MaxEphemeralStorageGiB))
        {
            throw new InvalidParameterException(
                $"The ephemeral storage size must be between {DefaultEphemeralStorageGiB} and {MaxEphemeralStorageGiB} GiB; got {storage.SizeInGiB}.");
        }
    }

    /// <summary>What a Fargate task reports of its storage: the override, else the definition's, else 20 GiB.</summary>
    public static EphemeralStorage EphemeralStorageOf(TaskDefinition definition, TaskOverride? overrides) =>
        overrides?.EphemeralStorage ?? definition.EphemeralStorage ?? new EphemeralStorage { SizeInGiB = DefaultEphemeralStorageGiB };
}
