namespace Berth.Core.Identity.Authorization;

/// <summary>Who is calling, in IAM's terms (aws:PrincipalType).</summary>
public enum PrincipalKind
{
    /// <summary>The account's root user: every action on the account's own resources, without identity policies.</summary>
    Root,

    /// <summary>An IAM user.</summary>
    User,

    /// <summary>A session of an IAM role (AssumeRole, a task role, an agent's role).</summary>
    AssumedRole,

    /// <summary>An AWS service principal such as <c>ecs-tasks.amazonaws.com</c>; only trust policies name it.</summary>
    Service,
}
