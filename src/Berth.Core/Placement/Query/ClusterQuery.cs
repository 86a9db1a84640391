using System.Collections.Concurrent;
using Berth.Core.Errors;

namespace Berth.Core.Placement.Query;

/// <summary>
/// A parsed expression of ECS's cluster query language
/// (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/cluster-query-language.html), as used by
/// memberOf placement constraints and ListContainerInstances' <c>filter</c>. Parse once, evaluate many times;
/// instances are immutable and safe to share between threads.
/// </summary>
public sealed class ClusterQuery
{
    /// <summary>ECS's limit on a constraint expression: "The expression can have a maximum length of 2000 characters."</summary>
    public const int MaxLength = 2000;

    // Services re-place with the same few expressions again and again; parsing (and compiling patterns) once
    // each keeps that off the scheduler's path. Bounded so that arbitrary filters cannot grow it without end.
    private const int CacheLimit = 1024;
    private static readonly ConcurrentDictionary<string, ClusterQuery> Cache = new(StringComparer.Ordinal);

    private readonly QueryNode _root;

    private ClusterQuery(string expression, QueryNode root)
    {
        Expression = expression;
        _root = root;
        DependsOnTasks = root.DependsOnTasks;
    }

    /// <summary>The expression as written.</summary>
    public string Expression { get; }

    /// <summary>
    /// True when the expression names <c>task:group</c> or <c>runningTasksCount</c>, whose answers for an
    /// instance change as tasks are placed on it; any other expression gives the same answer for an instance
    /// throughout one placement.
    /// </summary>
    public bool DependsOnTasks { get; }

    /// <summary>Parses <paramref name="expression"/>; throws <see cref="InvalidParameterException"/> naming what is wrong.</summary>
    public static ClusterQuery Parse(string expression)
    {
        ArgumentNullException.ThrowIfNull(expression);
        if (Cache.TryGetValue(expression, out var cached))
        {
            return cached;
        }
        if (expression.Length > MaxLength)
        {
            throw new InvalidParameterException(
                $"Invalid cluster query expression: it is {expression.Length} characters long; the limit is {MaxLength}.");
        }
        if (string.IsNullOrWhiteSpace(expression))
        {
            throw new InvalidParameterException("Invalid cluster query expression: it is empty.");
        }
        var query = new ClusterQuery(expression, QueryParser.Parse(expression));
        if (Cache.Count >= CacheLimit)
        {
            Cache.Clear();
        }
        Cache.TryAdd(expression, query);
        return query;
    }

    public bool Matches(IQuerySubject subject)
    {
        ArgumentNullException.ThrowIfNull(subject);
        return _root.Matches(subject);
    }

    public override string ToString() => Expression;
}
