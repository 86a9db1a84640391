namespace Berth.Core.Placement.Query;

/// <summary>A node of a parsed cluster query: a comparison, or and/or/not of nodes.</summary>
internal abstract class QueryNode
{
    public abstract bool Matches(IQuerySubject subject);

    /// <summary>
    /// True when the node looks at <c>task:group</c> or <c>runningTasksCount</c>, so its answer for an instance
    /// changes as tasks are placed on it.
    /// </summary>
    public abstract bool DependsOnTasks { get; }
}

internal sealed class AndNode(QueryNode left, QueryNode right) : QueryNode
{
    public override bool Matches(IQuerySubject subject) => left.Matches(subject) && right.Matches(subject);

    public override bool DependsOnTasks => left.DependsOnTasks || right.DependsOnTasks;

    public override string ToString() => $"({left} and {right})";
}

internal sealed class OrNode(QueryNode left, QueryNode right) : QueryNode
{
    public override bool Matches(IQuerySubject subject) => left.Matches(subject) || right.Matches(subject);

    public override bool DependsOnTasks => left.DependsOnTasks || right.DependsOnTasks;

    public override string ToString() => $"({left} or {right})";
}

internal sealed class NotNode(QueryNode operand) : QueryNode
{
    public override bool Matches(IQuerySubject subject) => !operand.Matches(subject);

    public override bool DependsOnTasks => operand.DependsOnTasks;

    public override string ToString() => $"not({operand})";
}
