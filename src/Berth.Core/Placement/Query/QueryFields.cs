namespace Berth.Core.Placement.Query;

/// <summary>The names of subjects and operators, and which operators each subject accepts.</summary>
internal static class QueryFields
{
    public static readonly IReadOnlyDictionary<string, QueryField> ByName = new Dictionary<string, QueryField>(StringComparer.Ordinal)
    {
        ["ec2InstanceId"] = QueryField.Ec2InstanceId,
        ["agentConnected"] = QueryField.AgentConnected,
        ["agentVersion"] = QueryField.AgentVersion,
        ["registeredAt"] = QueryField.RegisteredAt,
        ["runningTasksCount"] = QueryField.RunningTasksCount,
        ["task:group"] = QueryField.TaskGroup,
    };

    /// <summary>Two-character symbols before their one-character prefixes.</summary>
    public static readonly IReadOnlyList<(string Symbol, QueryOperator Operator)> SymbolOperators =
    [
        ("==", QueryOperator.Equals),
        ("!=", QueryOperator.NotEquals),
        (">=", QueryOperator.GreaterThanOrEqual),
        ("<=", QueryOperator.LessThanOrEqual),
        ("=~", QueryOperator.Matches),
        ("!~", QueryOperator.NotMatches),
        (">", QueryOperator.GreaterThan),
        ("<", QueryOperator.LessThan),
    ];

    public static readonly IReadOnlyDictionary<string, QueryOperator> WordOperators = new Dictionary<string, QueryOperator>(StringComparer.Ordinal)
    {
        ["equals"] = QueryOperator.Equals,
        ["not_equals"] = QueryOperator.NotEquals,
        ["greater_than"] = QueryOperator.GreaterThan,
        ["greater_than_equal"] = QueryOperator.GreaterThanOrEqual,
        ["less_than"] = QueryOperator.LessThan,
        ["less_than_equal"] = QueryOperator.LessThanOrEqual,
        ["exists"] = QueryOperator.Exists,
        ["not_exists"] = QueryOperator.NotExists,
        ["in"] = QueryOperator.In,
        ["not_in"] = QueryOperator.NotIn,
        ["matches"] = QueryOperator.Matches,
        ["not_matches"] = QueryOperator.NotMatches,
    };

    /// <summary>
    /// The "Valid operators" ECS lists for each built-in subject. Attributes take every operator; task:group,
    /// for which ECS lists none, takes the string ones.
    /// </summary>
    public static bool Allows(QueryField field, QueryOperator op) => field switch
    {
        QueryField.Attribute => true,
        QueryField.TaskGroup => op is not (QueryOperator.GreaterThan or QueryOperator.GreaterThanOrEqual
            or QueryOperator.LessThan or QueryOperator.LessThanOrEqual),
        QueryField.Ec2InstanceId or QueryField.AgentConnected => op is QueryOperator.Equals or QueryOperator.NotEquals
            or QueryOperator.In or QueryOperator.NotIn or QueryOperator.Matches or QueryOperator.NotMatches,
        _ => op is QueryOperator.Equals or QueryOperator.NotEquals or QueryOperator.GreaterThan
            or QueryOperator.GreaterThanOrEqual or QueryOperator.LessThan or QueryOperator.LessThanOrEqual,
    };
}
