using Berth.Core.Errors;
using Berth.Core.Placement.Query;

namespace Berth.Core.Tests.Placement.Query;

public sealed class ClusterQueryTests
{
    private static readonly FakeSubject Subject = new();

    [Theory]
    // == / equals, with and without quotes, and the trailing-* prefix form.
    [InlineData("attribute:ecs.instance-type == t2.small", true)]
    [InlineData("attribute:ecs.instance-type equals t2.small", true)]
    [InlineData("attribute:ecs.instance-type == 't2.small'", true)]
    [InlineData("attribute:ecs.instance-type == \"t2.small\"", true)]
    [InlineData("attribute:ecs.instance-type == t2.medium", false)]
    [InlineData("attribute:ecs.instance-type == t2.*", true)]
    [InlineData("attribute:ecs.instance-type == m5.*", false)]
    [InlineData("attribute:ecs.instance-type == T2.SMALL", false)]
    [InlineData("attribute:owner == 'team a'", true)]
    [InlineData("attribute:missing == x", false)]
    [InlineData("attribute:ecs.capability.docker-remote-api.1.38 == ''", true)]
    [InlineData("attribute:ecs.instance-type==t2.small", true)]
    // != / not_equals need the attribute to be there: "lists the instances with the custom attribute stack
    // unless the attribute value is prod".
    [InlineData("attribute:stack != prod", false)]
    [InlineData("attribute:stack != dev", true)]
    [InlineData("attribute:stack not_equals dev", true)]
    [InlineData("attribute:missing != prod", false)]
    [InlineData("not(attribute:missing == prod)", true)]
    [InlineData("attribute:ecs.instance-type != t2.*", false)]
    // Orderings: numbers numerically, other text ordinally.
    [InlineData("attribute:cores > 9", true)]
    [InlineData("attribute:cores greater_than 16", false)]
    [InlineData("attribute:cores >= 16", true)]
    [InlineData("attribute:cores greater_than_equal 17", false)]
    [InlineData("attribute:cores < 100", true)]
    [InlineData("attribute:cores less_than 16", false)]
    [InlineData("attribute:cores <= 16", true)]
    [InlineData("attribute:cores less_than_equal 15.5", false)]
    [InlineData("attribute:stack > dev", true)]
    [InlineData("attribute:missing < 5", false)]
    // exists / !exists / not_exists, including an attribute present without a value.
    [InlineData("attribute:stack exists", true)]
    [InlineData("attribute:missing exists", false)]
    [InlineData("attribute:ecs.capability.docker-remote-api.1.38 exists", true)]
    [InlineData("attribute:missing !exists", true)]
    [InlineData("attribute:stack !exists", false)]
    [InlineData("attribute:missing not_exists", true)]
    // in / not_in / !in / not in.
    [InlineData("attribute:ecs.availability-zone in [us-east-1a, us-east-1b]", true)]
    [InlineData("attribute:ecs.availability-zone in [us-east-1c,us-east-1b]", false)]
    [InlineData("attribute:ecs.availability-zone in ['us-east-1a']", true)]
    [InlineData("attribute:ecs.instance-type in [m5.*, t2.*]", true)]
    [InlineData("attribute:ecs.availability-zone not_in [us-east-1b, us-east-1c]", true)]
    [InlineData("attribute:ecs.availability-zone !in [us-east-1a]", false)]
    [InlineData("attribute:ecs.availability-zone not in [us-east-1b]", true)]
    [InlineData("attribute:missing not_in [x]", false)]
    // =~ / matches / !~ / not_matches: Java-style patterns over the whole value.
    [InlineData("attribute:ecs.instance-type =~ t2.*", true)]
    [InlineData("attribute:ecs.instance-type matches g2.*", false)]
    [InlineData("attribute:ecs.instance-type =~ small", false)]
    [InlineData("attribute:ecs.instance-type =~ .*small", true)]
    [InlineData("attribute:ecs.instance-type =~ (t2|m5)\\.small", true)]
    [InlineData("attribute:ecs.instance-type =~ '(?!m5).*'", true)]
    [InlineData("attribute:ecs.instance-type !~ t2.*", false)]
    [InlineData("attribute:ecs.instance-type not_matches m5.*", true)]
    [InlineData("attribute:missing !~ m5.*", false)]
    public void Attribute_comparisons(string expression, bool expected) =>
        Assert.Equal(expected, ClusterQuery.Parse(expression).Matches(Subject));

    [Theory]
    [InlineData("ec2InstanceId == i-0abc1234", true)]
    [InlineData("ec2InstanceId != i-0abc1234", false)]
    [InlineData("ec2InstanceId in ['i-abcd1234', 'i-0abc1234']", true)]
    [InlineData("ec2InstanceId not_in [i-abcd1234]", true)]
    [InlineData("ec2InstanceId =~ i-0abc.*", true)]
    [InlineData("ec2InstanceId !~ i-0abc.*", false)]
    [InlineData("agentConnected == true", true)]
    [InlineData("agentConnected == TRUE", true)]
    [InlineData("agentConnected != true", false)]
    [InlineData("agentConnected in [false]", false)]
    [InlineData("agentConnected =~ t.*", true)]
    [InlineData("agentVersion < 1.14.6", true)]
    [InlineData("agentVersion < 1.14.5", false)]
    [InlineData("agentVersion <= 1.14.5", true)]
    [InlineData("agentVersion == 1.14.5", true)]
    [InlineData("agentVersion > 1.9.0", true)]
    [InlineData("agentVersion >= 1.15", false)]
    [InlineData("agentVersion != 1.14.5", false)]
    [InlineData("registeredAt < 2018-06-19", true)]
    [InlineData("registeredAt < 2018-06-18", false)]
    [InlineData("registeredAt == 2018-06-18", true)]
    [InlineData("registeredAt > 2018-06-18T22:28:27Z", true)]
    [InlineData("registeredAt >= 2018-06-18T22:28:28+00:00", true)]
    [InlineData("registeredAt > 2018-06-18T22:28:28", false)]
    [InlineData("registeredAt <= 2018-06-18T23:28:28+01:00", true)]
    [InlineData("registeredAt != 2018-06-17", true)]
    [InlineData("runningTasksCount == 3", true)]
    [InlineData("runningTasksCount > 2", true)]
    [InlineData("runningTasksCount >= 4", false)]
    [InlineData("runningTasksCount < 3", false)]
    [InlineData("runningTasksCount <= 3", true)]
    [InlineData("runningTasksCount != 1", true)]
    public void Built_in_subjects(string expression, bool expected) =>
        Assert.Equal(expected, ClusterQuery.Parse(expression).Matches(Subject));

    [Theory]
    // task:group is the set of groups of the tasks on the instance (ECS: "selects instances that are hosting
    // tasks in the service:production group").
    [InlineData("task:group == service:production", true)]
    [InlineData("task:group == database", false)]
    [InlineData("not(task:group == database)", true)]
    [InlineData("not(task:group == family:batch)", false)]
    [InlineData("task:group != database", true)]
    [InlineData("task:group in [database, family:batch]", true)]
    [InlineData("task:group =~ service:.*", true)]
    [InlineData("task:group exists", true)]
    public void Task_group_is_the_set_of_groups_on_the_instance(string expression, bool expected) =>
        Assert.Equal(expected, ClusterQuery.Parse(expression).Matches(Subject));

    [Theory]
    [InlineData("task:group exists", false)]
    [InlineData("task:group !exists", true)]
    [InlineData("task:group != database", false)]
    [InlineData("not(task:group == database)", true)]
    public void An_instance_without_tasks_has_no_task_group(string expression, bool expected) =>
        Assert.Equal(expected, ClusterQuery.Parse(expression).Matches(Subject with { TaskGroups = [] }));

    [Theory]
    [InlineData("attribute:ecs.instance-type =~ t2.* and attribute:ecs.availability-zone != us-east-1d", true)]
    [InlineData("attribute:ecs.instance-type =~ g2.* and attribute:ecs.availability-zone != us-east-1d", false)]
    [InlineData("attribute:stack == dev or attribute:stack == prod", true)]
    [InlineData("attribute:stack == dev || attribute:stack == qa", false)]
    [InlineData("attribute:stack == prod && runningTasksCount < 5", true)]
    [InlineData("attribute:stack == prod AND runningTasksCount < 5", true)]
    [InlineData("(attribute:stack == dev or attribute:stack == prod) and attribute:cores > 8", true)]
    [InlineData("attribute:stack == dev or attribute:stack == prod and attribute:cores > 99", false)]
    [InlineData("attribute:stack == prod or attribute:stack == dev and attribute:cores > 99", true)]
    [InlineData("!(attribute:stack == prod)", false)]
    [InlineData("! attribute:stack == dev", true)]
    [InlineData("not (attribute:stack == prod)", false)]
    [InlineData("not not(attribute:stack == prod)", true)]
    [InlineData("((attribute:stack == prod))", true)]
    [InlineData("(attribute:ecs.instance-type =~ (t2|m5).*)&&(agentConnected == true)", true)]
    [InlineData("  attribute:stack   ==   prod  ", true)]
    public void Compound_expressions_follow_precedence_and_parentheses(string expression, bool expected) =>
        Assert.Equal(expected, ClusterQuery.Parse(expression).Matches(Subject));

    [Theory]
    [InlineData("", "empty")]
    [InlineData("   ", "empty")]
    [InlineData("attribute:stack", "expected an operator")]
    [InlineData("attribute:stack ==", "expected a value after '=='")]
    [InlineData("attribute: == x", "expected an attribute name")]
    [InlineData("color == red", "unknown subject 'color'")]
    [InlineData("attribute:stack ~= prod", "expected an operator at position 17")]
    [InlineData("attribute:stack like prod", "unknown operator 'like'")]
    [InlineData("attribute:stack !like prod", "unknown operator '!like'")]
    [InlineData("attribute:stack not equals prod", "expected 'in' after 'not'")]
    [InlineData("attribute:stack in prod", "expected a list")]
    [InlineData("attribute:stack in [prod", "expected ',' or ']'")]
    [InlineData("attribute:stack in []", "expected a value in the list")]
    [InlineData("attribute:stack == 'prod", "unterminated")]
    [InlineData("(attribute:stack == prod", "expected ')'")]
    [InlineData("attribute:stack == prod)", "unexpected text")]
    [InlineData("attribute:stack == prod attribute:cores == 1", "unexpected text")]
    [InlineData("attribute:stack == prod and", "expected an expression")]
    [InlineData("attribute:stack =~ t2.(", "invalid pattern")]
    [InlineData("attribute:stack =~ 'a)|(b'", "invalid pattern")]
    [InlineData("agentConnected > true", "operator '>' cannot be used with agentConnected")]
    [InlineData("agentConnected == yes", "agentConnected needs true or false")]
    [InlineData("ec2InstanceId exists", "operator 'exists' cannot be used with ec2InstanceId")]
    [InlineData("agentVersion =~ 1.*", "operator '=~' cannot be used with agentVersion")]
    [InlineData("agentVersion < latest", "agentVersion needs a version")]
    [InlineData("registeredAt < yesterday", "registeredAt needs a date")]
    [InlineData("registeredAt in [2018-01-01]", "operator 'in' cannot be used with registeredAt")]
    [InlineData("runningTasksCount > many", "runningTasksCount needs a whole number")]
    [InlineData("task:group > a", "operator '>' cannot be used with task:group")]
    public void Invalid_expressions_are_rejected_with_what_is_wrong(string expression, string problem)
    {
        var error = Assert.Throws<InvalidParameterException>(() => ClusterQuery.Parse(expression));
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Errors_say_where_the_problem_is()
    {
        var error = Assert.Throws<InvalidParameterException>(() => ClusterQuery.Parse("attribute:stack == prod and color == red"));
        Assert.Equal("Invalid cluster query expression 'attribute:stack == prod and color == red': "
            + "unknown subject 'color' (expected attribute:<name>, task:group, ec2InstanceId, agentConnected, agentVersion, "
            + "registeredAt or runningTasksCount) at position 29.", error.Message);
    }

    [Fact]
    public void Expressions_longer_than_ECS_allows_are_rejected()
    {
        var longest = "attribute:stack in [" + string.Join(",", Enumerable.Repeat("a", 990)) + "]";
        Assert.Equal(ClusterQuery.MaxLength, longest.Length);
        Assert.True(ClusterQuery.Parse(longest).Matches(Subject with { Attributes = new Dictionary<string, string?> { ["stack"] = "a" } }));

        var error = Assert.Throws<InvalidParameterException>(() => ClusterQuery.Parse("attribute:stack == " + new string('x', 1982)));
        Assert.Contains("2001 characters long; the limit is 2000", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("task:group == service:web", true)]
    [InlineData("attribute:stack == prod and not(task:group == database)", true)]
    [InlineData("runningTasksCount < 3", true)]
    [InlineData("attribute:stack == prod or agentConnected == true", false)]
    public void It_knows_whether_it_depends_on_the_tasks_on_an_instance(string expression, bool expected) =>
        Assert.Equal(expected, ClusterQuery.Parse(expression).DependsOnTasks);

    [Fact]
    public void Parsing_the_same_expression_again_reuses_the_parsed_query()
    {
        var first = ClusterQuery.Parse("attribute:ecs.instance-type =~ c5.*");
        Assert.Same(first, ClusterQuery.Parse("attribute:ecs.instance-type =~ c5.*"));
        Assert.Equal("attribute:ecs.instance-type =~ c5.*", first.ToString());
    }

    [Fact]
    public void A_pattern_that_needs_backtracking_still_works()
    {
        var query = ClusterQuery.Parse(@"attribute:stack =~ (\w)\1.*");
        Assert.True(query.Matches(Subject with { Attributes = new Dictionary<string, string?> { ["stack"] = "ppp" } }));
        Assert.False(query.Matches(Subject));
    }
}
