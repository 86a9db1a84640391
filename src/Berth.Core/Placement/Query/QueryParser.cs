using System.Text.RegularExpressions;

namespace Berth.Core.Placement.Query;

/// <summary>
/// Recursive descent over ECS's cluster query language
/// (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/cluster-query-language.html):
/// <code>
/// or         := and (("or" | "||") and)*
/// and        := unary (("and" | "&amp;&amp;") unary)*
/// unary      := ("not" | "!") unary | "(" or ")" | comparison
/// comparison := subject operator [argument | "[" argument ("," argument)* "]"]
/// </code>
/// </summary>
internal sealed class QueryParser
{
    // How long one pattern may take on one value when it needs the backtracking engine (lookarounds,
    // backreferences); ECS's patterns are Java regular expressions, which allow those.
    private static readonly TimeSpan PatternTimeout = TimeSpan.FromMilliseconds(100);

    private readonly QueryReader _reader;

    private QueryParser(string expression) => _reader = new QueryReader(expression);

    public static QueryNode Parse(string expression)
    {
        var parser = new QueryParser(expression);
        var root = parser.ParseOr();
        return parser._reader.AtEnd ? root : throw parser._reader.Error("unexpected text");
    }

    private QueryNode ParseOr()
    {
        var left = ParseAnd();
        while (_reader.TryKeyword("or") || _reader.TrySymbol("||"))
        {
            left = new OrNode(left, ParseAnd());
        }
        return left;
    }

    private QueryNode ParseAnd()
    {
        var left = ParseUnary();
        while (_reader.TryKeyword("and") || _reader.TrySymbol("&&"))
        {
            left = new AndNode(left, ParseUnary());
        }
        return left;
    }

    private QueryNode ParseUnary()
    {
        if (_reader.TryKeyword("not") || _reader.TrySymbol("!"))
        {
            return new NotNode(ParseUnary());
        }
        if (_reader.TrySymbol("("))
        {
            var inner = ParseOr();
            return _reader.TrySymbol(")") ? inner : throw _reader.Error("expected ')'");
        }
        return ParseComparison();
    }

    private ComparisonNode ParseComparison()
    {
        var subjectAt = _reader.Mark();
        var subject = _reader.ReadWord();
        if (subject.Length == 0)
        {
            throw _reader.Error(_reader.AtEnd ? "expected an expression" : "expected a subject");
        }
        var (field, attribute) = ParseSubject(subject, subjectAt);
        var operatorAt = _reader.Mark();
        var (op, spelling) = ParseOperator();
        if (!QueryFields.Allows(field, op))
        {
            throw _reader.Error($"operator '{spelling}' cannot be used with {subject}", operatorAt);
        }
        var argumentAt = _reader.Mark();
        QueryArgument[] arguments = op switch
        {
            QueryOperator.Exists or QueryOperator.NotExists => [],
            QueryOperator.In or QueryOperator.NotIn => ParseList(),
            _ => [new QueryArgument(_reader.ReadValue(spelling))],
        };
        var pattern = op is QueryOperator.Matches or QueryOperator.NotMatches ? CompilePattern(arguments[0].Text, argumentAt) : null;
        if (pattern is null)
        {
            if (field == QueryField.AgentConnected)
            {
                arguments = [.. arguments.Select(a => new QueryArgument(a.Text.ToLowerInvariant()))];
            }
            foreach (var argument in arguments)
            {
                CheckType(field, subject, argument, argumentAt);
            }
        }
        return new ComparisonNode(field, attribute, op, arguments, pattern);
    }

    private (QueryField Field, string? Attribute) ParseSubject(string subject, int at)
    {
        if (subject.StartsWith("attribute:", StringComparison.Ordinal))
        {
            return subject.Length > "attribute:".Length
                ? (QueryField.Attribute, subject["attribute:".Length..])
                : throw _reader.Error("expected an attribute name after 'attribute:'", at);
        }
        return QueryFields.ByName.TryGetValue(subject, out var field)
            ? (field, null)
            : throw _reader.Error($"unknown subject '{subject}' (expected attribute:<name>, task:group, ec2InstanceId, "
                + "agentConnected, agentVersion, registeredAt or runningTasksCount)", at);
    }

    private (QueryOperator Operator, string Spelling) ParseOperator()
    {
        foreach (var (symbol, op) in QueryFields.SymbolOperators)
        {
            if (_reader.TrySymbol(symbol))
            {
                return (op, symbol);
            }
        }
        if (_reader.TrySymbol("!"))
        {
            // "!in" and "!exists" are spelled with a word after the '!'.
            var word = _reader.ReadWord();
            return word switch
            {
                "in" => (QueryOperator.NotIn, "!in"),
                "exists" => (QueryOperator.NotExists, "!exists"),
                _ => throw _reader.Error($"unknown operator '!{word}'"),
            };
        }
        if (_reader.TryKeyword("not"))
        {
            return _reader.TryKeyword("in") ? (QueryOperator.NotIn, "not in") : throw _reader.Error("expected 'in' after 'not'");
        }
        var name = _reader.ReadWord();
        return QueryFields.WordOperators.TryGetValue(name, out var named)
            ? (named, name)
            : throw _reader.Error(name.Length == 0 ? "expected an operator" : $"unknown operator '{name}'");
    }

    private QueryArgument[] ParseList()
    {
        if (!_reader.TrySymbol("["))
        {
            throw _reader.Error("expected a list such as [a, b]");
        }
        var items = new List<QueryArgument>();
        do
        {
            items.Add(new QueryArgument(_reader.ReadListItem()));
        }
        while (_reader.TrySymbol(","));
        return _reader.TrySymbol("]") ? [.. items] : throw _reader.Error("expected ',' or ']'");
    }

    private void CheckType(QueryField field, string subject, QueryArgument argument, int at)
    {
        var ok = field switch
        {
            QueryField.AgentConnected => argument.Text is "true" or "false",
            QueryField.AgentVersion => argument.TryParseVersion(),
            QueryField.RegisteredAt => argument.TryParseDate(),
            QueryField.RunningTasksCount => argument.TryParseInteger(),
            _ => true,
        };
        if (!ok)
        {
            var expected = field switch
            {
                QueryField.AgentConnected => "true or false",
                QueryField.AgentVersion => "a version such as 1.14.5",
                QueryField.RegisteredAt => "a date such as 2018-06-18T22:28:28Z or 2018-06-18",
                _ => "a whole number",
            };
            throw _reader.Error($"{subject} needs {expected}, not '{argument.Text}'", at);
        }
    }

    private Regex CompilePattern(string pattern, int at)
    {
        try
        {
            // Check the pattern on its own first, so that a pattern such as "a)|(b" cannot escape the anchors.
            _ = new Regex(pattern, RegexOptions.CultureInvariant);
        }
        catch (ArgumentException e)
        {
            throw _reader.Error($"invalid pattern '{pattern}' ({e.Message})", at);
        }
        // Java's Pattern.matches, which ECS's "=~" follows, matches the whole value: "t2.*" selects t2.micro.
        var anchored = $@"\A(?:{pattern})\z";
        try
        {
            // Linear time whatever the pattern, when the pattern allows it.
            return new Regex(anchored, RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);
        }
        catch (NotSupportedException)
        {
            return new Regex(anchored, RegexOptions.CultureInvariant, PatternTimeout);
        }
    }
}
