namespace Berth.Control.Secrets;

/// <summary>How task start reads a task's secrets; the host fills it from its authentication mode.</summary>
public sealed record TaskSecretOptions
{
    /// <summary>
    /// Whether the task's execution role must be allowed to read each secret (ssm:GetParameters,
    /// secretsmanager:GetSecretValue), as ECS reads them with the role's credentials. Off with authentication off,
    /// where no policy applies to anyone.
    /// </summary>
    public bool AuthorizeExecutionRole { get; init; }
}
