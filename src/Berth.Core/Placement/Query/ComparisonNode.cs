using System.Globalization;
using System.Text.RegularExpressions;

namespace Berth.Core.Placement.Query;

/// <summary><c>subject operator [argument]</c>, with its arguments parsed and its pattern compiled once.</summary>
internal sealed class ComparisonNode : QueryNode
{
    private readonly QueryArgument[] _arguments;
    private readonly Regex? _pattern;
    private readonly QueryOperator _positive;
    private readonly bool _negated;

    public ComparisonNode(QueryField field, string? attributeName, QueryOperator op, QueryArgument[] arguments, Regex? pattern)
    {
        Field = field;
        AttributeName = attributeName;
        Operator = op;
        _arguments = arguments;
        _pattern = pattern;
        (_positive, _negated) = op switch
        {
            QueryOperator.NotEquals => (QueryOperator.Equals, true),
            QueryOperator.NotExists => (QueryOperator.Exists, true),
            QueryOperator.NotIn => (QueryOperator.In, true),
            QueryOperator.NotMatches => (QueryOperator.Matches, true),
            _ => (op, false),
        };
    }

    public QueryField Field { get; }

    public string? AttributeName { get; }

    public QueryOperator Operator { get; }

    public override bool DependsOnTasks => Field is QueryField.TaskGroup or QueryField.RunningTasksCount;

    public override bool Matches(IQuerySubject subject)
    {
        bool present;
        bool positive;
        switch (Field)
        {
            case QueryField.TaskGroup:
                var groups = subject.TaskGroups;
                present = groups.Count > 0;
                positive = false;
                for (var i = 0; i < groups.Count && !positive; i++)
                {
                    positive = Holds(groups[i]);
                }
                break;
            case QueryField.Attribute:
                present = subject.TryGetAttribute(AttributeName!, out var value);
                positive = present && Holds(value ?? "");
                break;
            case QueryField.Ec2InstanceId:
                present = !string.IsNullOrEmpty(subject.Ec2InstanceId);
                positive = present && Holds(subject.Ec2InstanceId!);
                break;
            case QueryField.AgentConnected:
                present = true;
                positive = Holds(subject.AgentConnected ? "true" : "false");
                break;
            case QueryField.AgentVersion:
                var version = subject.AgentVersion is { } text ? QueryValues.ParseVersion(text) : null;
                present = version is not null;
                positive = present && Ordered(QueryValues.CompareVersions(version!, _arguments[0].Version));
                break;
            case QueryField.RegisteredAt:
                var date = _arguments[0];
                present = true;
                // "registeredAt == 2018-02-13" means that day (UTC); the orderings compare instants.
                positive = Ordered(date.DateOnly && _positive == QueryOperator.Equals
                    ? subject.RegisteredAt.UtcDateTime.Date.CompareTo(date.Date.UtcDateTime.Date)
                    : subject.RegisteredAt.CompareTo(date.Date));
                break;
            case QueryField.RunningTasksCount:
                present = true;
                positive = Ordered(((long)subject.RunningTasksCount).CompareTo(_arguments[0].Integer));
                break;
            default:
                throw new InvalidOperationException($"Unknown query field {Field}.");
        }
        return _positive == QueryOperator.Exists ? present != _negated
            : _negated ? present && !positive
            : positive;
    }

    /// <summary>The positive operator on one string value (attributes, instance ids, task groups, agentConnected).</summary>
    private bool Holds(string value) => _positive switch
    {
        QueryOperator.Exists => true,
        QueryOperator.Equals => _arguments[0].EqualsText(value),
        QueryOperator.In => AnyEquals(value),
        QueryOperator.Matches => IsMatch(value),
        QueryOperator.GreaterThan => QueryValues.CompareAttribute(value, _arguments[0]) > 0,
        QueryOperator.GreaterThanOrEqual => QueryValues.CompareAttribute(value, _arguments[0]) >= 0,
        QueryOperator.LessThan => QueryValues.CompareAttribute(value, _arguments[0]) < 0,
        QueryOperator.LessThanOrEqual => QueryValues.CompareAttribute(value, _arguments[0]) <= 0,
        _ => false,
    };

    /// <summary>The positive operator for the typed subjects (versions, dates, counts), given the comparison.</summary>
    private bool Ordered(int comparison) => _positive switch
    {
        QueryOperator.Equals => comparison == 0,
        QueryOperator.GreaterThan => comparison > 0,
        QueryOperator.GreaterThanOrEqual => comparison >= 0,
        QueryOperator.LessThan => comparison < 0,
        QueryOperator.LessThanOrEqual => comparison <= 0,
        _ => false,
    };

    private bool AnyEquals(string value)
    {
        foreach (var argument in _arguments)
        {
            if (argument.EqualsText(value))
            {
                return true;
            }
        }
        return false;
    }

    private bool IsMatch(string value)
    {
        try
        {
            return _pattern!.IsMatch(value);
        }
        catch (RegexMatchTimeoutException)
        {
            // A pathological pattern that cannot decide within its time limit selects nothing rather than
            // stalling the scheduler.
            return false;
        }
    }

    public override string ToString()
    {
        var subject = Field switch
        {
            QueryField.Attribute => "attribute:" + AttributeName,
            QueryField.TaskGroup => "task:group",
            _ => char.ToLowerInvariant(Field.ToString()[0]) + Field.ToString()[1..],
        };
        var arguments = Operator is QueryOperator.In or QueryOperator.NotIn
            ? " [" + string.Join(", ", _arguments.Select(a => a.Text)) + "]"
            : _arguments.Length > 0 ? " " + _arguments[0].Text : "";
        return string.Create(CultureInfo.InvariantCulture, $"{subject} {Operator}{arguments}");
    }
}
