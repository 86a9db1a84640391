using Berth.Core.Identity.Authorization;
using Berth.Core.Identity.Policies;

namespace Berth.Core.Tests.Identity.Authorization;

public class PolicyEvaluatorTests
{
    private const string Account = "000000000000";
    private const string TaskDefinition = "arn:aws:ecs:us-east-1:000000000000:task-definition/web:1";
    private const string ProdCluster = "arn:aws:ecs:us-east-1:000000000000:cluster/prod";
    private const string DevCluster = "arn:aws:ecs:us-east-1:000000000000:cluster/dev";
    private const string TaskRole = "arn:aws:iam::000000000000:role/web-task";

    private static readonly AuthorizationPrincipal Alice = new(
        "arn:aws:iam::000000000000:user/alice", Account, PrincipalKind.User, UserName: "alice", UserId: "AIDAALICE0000000000",
        Tags: new Dictionary<string, string> { ["team"] = "web" });

    private static readonly AuthorizationPrincipal Session = new(
        "arn:aws:sts::000000000000:assumed-role/deployer/ci", Account, PrincipalKind.AssumedRole,
        RoleArn: "arn:aws:iam::000000000000:role/deployer", UserId: "AROADEPLOYER0000000:ci");

    [Fact]
    public void No_policy_is_an_implicit_deny_naming_the_principal_action_and_resource()
    {
        var decision = Decide("ecs:RunTask", TaskDefinition);

        Assert.Equal(AuthorizationOutcome.ImplicitDeny, decision.Outcome);
        Assert.Equal(
            "User: arn:aws:iam::000000000000:user/alice is not authorized to perform: ecs:RunTask on resource: arn:aws:ecs:us-east-1:000000000000:task-definition/web:1 because no identity-based policy allows the ecs:RunTask action",
            decision.DenialMessage);
    }

    [Fact]
    public void Allow_on_star_allows()
    {
        Assert.True(Decide("ecs:RunTask", TaskDefinition, null, Allow("*", "*")).IsAllowed);
    }

    [Fact]
    public void Deny_on_one_cluster_arn_wins_over_allow_star()
    {
        var policy = Policy(Statement("Allow", "ecs:*", "*"), Statement("Deny", "ecs:*", ProdCluster));

        var prod = Decide("ecs:DeleteCluster", ProdCluster, null, policy);

        Assert.Equal(AuthorizationOutcome.ExplicitDeny, prod.Outcome);
        Assert.Equal(
            "User: arn:aws:iam::000000000000:user/alice is not authorized to perform: ecs:DeleteCluster on resource: arn:aws:ecs:us-east-1:000000000000:cluster/prod with an explicit deny in an identity-based policy",
            prod.DenialMessage);
        Assert.True(Decide("ecs:DeleteCluster", DevCluster, null, policy).IsAllowed);
    }

    [Fact]
    public void Deny_in_one_attached_policy_wins_over_allow_in_another()
    {
        var decision = Decide("ecs:DeleteCluster", ProdCluster, null, Allow("*", "*"), Deny("ecs:Delete*", "*"));

        Assert.Equal(AuthorizationOutcome.ExplicitDeny, decision.Outcome);
    }

    [Fact]
    public void Describe_star_allows_describe_actions_but_not_RunTask()
    {
        var policy = Allow("ecs:Describe*", "*");

        Assert.True(Decide("ecs:DescribeClusters", ProdCluster, null, policy).IsAllowed);
        Assert.Equal(AuthorizationOutcome.ImplicitDeny, Decide("ecs:RunTask", TaskDefinition, null, policy).Outcome);
    }

    [Theory]
    [InlineData("ECS:describe*", "ecs:DescribeClusters", true)]
    [InlineData("ecs:Describe?lusters", "ecs:DescribeClusters", true)]
    [InlineData("ecs:Describe?", "ecs:DescribeClusters", false)]
    [InlineData("ecs:*", "logs:PutLogEvents", false)]
    [InlineData("*", "logs:PutLogEvents", true)]
    public void Actions_match_with_wildcards_ignoring_case(string pattern, string action, bool allowed)
    {
        Assert.Equal(allowed, Decide(action, "*", null, Allow(pattern, "*")).IsAllowed);
    }

    [Theory]
    [InlineData("arn:aws:ecs:*:*:cluster/*", ProdCluster, true)]
    [InlineData("arn:aws:ecs:us-east-1:000000000000:cluster/pro?", ProdCluster, true)]
    [InlineData("arn:aws:ecs:us-east-1:000000000000:cluster/PROD", ProdCluster, false)]
    [InlineData("arn:aws:ecs:*:*:task-definition/web:*", TaskDefinition, true)]
    [InlineData("arn:aws:ecs:*:*:cluster/*", "*", false)]
    [InlineData("*", "*", true)]
    public void Resources_match_with_wildcards_case_sensitively(string pattern, string resource, bool allowed)
    {
        Assert.Equal(allowed, Decide("ecs:DescribeClusters", resource, null, Allow("ecs:*", pattern)).IsAllowed);
    }

    [Fact]
    public void NotAction_allow_allows_every_action_but_the_listed_ones()
    {
        var policy = Policy("""{"Effect":"Allow","NotAction":["ecs:Delete*","iam:*"],"Resource":"*"}""");

        Assert.True(Decide("ecs:RunTask", TaskDefinition, null, policy).IsAllowed);
        Assert.Equal(AuthorizationOutcome.ImplicitDeny, Decide("ecs:DeleteCluster", ProdCluster, null, policy).Outcome);
        Assert.Equal(AuthorizationOutcome.ImplicitDeny, Decide("iam:CreateUser", "arn:aws:iam::000000000000:user/bob", null, policy).Outcome);
    }

    [Fact]
    public void NotAction_deny_denies_everything_but_the_listed_actions()
    {
        var policy = Policy(Statement("Allow", "*", "*"), """{"Effect":"Deny","NotAction":"ecs:Describe*","Resource":"*"}""");

        Assert.True(Decide("ecs:DescribeTasks", "*", null, policy).IsAllowed);
        Assert.Equal(AuthorizationOutcome.ExplicitDeny, Decide("ecs:RunTask", TaskDefinition, null, policy).Outcome);
    }

    [Fact]
    public void NotResource_allow_covers_every_resource_but_the_listed_ones()
    {
        var policy = Policy($$"""{"Effect":"Allow","Action":"ecs:*","NotResource":"{{ProdCluster}}"}""");

        Assert.True(Decide("ecs:DeleteCluster", DevCluster, null, policy).IsAllowed);
        Assert.False(Decide("ecs:DeleteCluster", ProdCluster, null, policy).IsAllowed);
    }

    [Theory]
    [InlineData("StringEquals", "aws:ResourceTag/env", "prod", "prod", true)]
    [InlineData("StringEquals", "aws:ResourceTag/env", "prod", "Prod", false)]
    [InlineData("StringEquals", "AWS:RESOURCETAG/ENV", "prod", "prod", true)]
    [InlineData("StringNotEquals", "aws:ResourceTag/env", "prod", "dev", true)]
    [InlineData("StringNotEquals", "aws:ResourceTag/env", "prod", "prod", false)]
    [InlineData("StringEqualsIgnoreCase", "aws:ResourceTag/env", "PROD", "prod", true)]
    [InlineData("StringNotEqualsIgnoreCase", "aws:ResourceTag/env", "PROD", "prod", false)]
    [InlineData("StringLike", "aws:ResourceTag/env", "pr*", "prod", true)]
    [InlineData("StringLike", "aws:ResourceTag/env", "pro?", "prod", true)]
    [InlineData("StringLike", "aws:ResourceTag/env", "pro?", "produce", false)]
    [InlineData("StringNotLike", "aws:ResourceTag/env", "dev*", "prod", true)]
    [InlineData("ArnLike", "ecs:cluster", "arn:aws:ecs:*:*:cluster/prod*", ProdCluster, true)]
    [InlineData("ArnEquals", "ecs:cluster", "arn:aws:ecs:*:*:cluster/prod", ProdCluster, true)]
    [InlineData("ArnLike", "ecs:cluster", "arn:aws:ecs:*:*:cluster/dev", ProdCluster, false)]
    [InlineData("ArnLike", "ecs:cluster", "cluster/prod", ProdCluster, false)]
    [InlineData("ArnNotLike", "ecs:cluster", "arn:aws:ecs:*:*:cluster/dev", ProdCluster, true)]
    [InlineData("ArnNotEquals", "ecs:cluster", ProdCluster, ProdCluster, false)]
    [InlineData("Bool", "aws:SecureTransport", "true", "true", true)]
    [InlineData("Bool", "aws:SecureTransport", "true", "false", false)]
    [InlineData("NumericLessThan", "ecs:count", "5", "3", true)]
    [InlineData("NumericLessThan", "ecs:count", "5", "5", false)]
    [InlineData("NumericLessThanEquals", "ecs:count", "5", "5", true)]
    [InlineData("NumericGreaterThan", "ecs:count", "5", "6", true)]
    [InlineData("NumericGreaterThanEquals", "ecs:count", "5.5", "5", false)]
    [InlineData("NumericEquals", "ecs:count", "5", "5.0", true)]
    [InlineData("NumericNotEquals", "ecs:count", "5", "4", true)]
    [InlineData("NumericEquals", "ecs:count", "five", "5", false)]
    [InlineData("DateLessThan", "aws:CurrentTime", "2026-01-01T00:00:00Z", "2025-03-14T09:26:53Z", true)]
    [InlineData("DateGreaterThan", "aws:CurrentTime", "2026-01-01T00:00:00Z", "2025-03-14T09:26:53Z", false)]
    [InlineData("DateGreaterThanEquals", "aws:CurrentTime", "1741944413", "2025-03-14T09:26:53Z", true)]
    [InlineData("DateEquals", "aws:CurrentTime", "2025-03-14", "2025-03-14T00:00:00Z", true)]
    [InlineData("DateNotEquals", "aws:CurrentTime", "2025-03-14", "2025-03-15T00:00:00Z", true)]
    [InlineData("IpAddress", "aws:SourceIp", "10.0.0.0/8", "10.1.2.3", true)]
    [InlineData("IpAddress", "aws:SourceIp", "10.0.0.0/8", "192.168.1.1", false)]
    [InlineData("IpAddress", "aws:SourceIp", "192.168.1.1", "192.168.1.1", true)]
    [InlineData("IpAddress", "aws:SourceIp", "2001:db8::/32", "2001:db8:1::5", true)]
    [InlineData("IpAddress", "aws:SourceIp", "2001:db8::/32", "2001:db9::5", false)]
    [InlineData("NotIpAddress", "aws:SourceIp", "10.0.0.0/8", "192.168.1.1", true)]
    [InlineData("NotIpAddress", "aws:SourceIp", "10.0.0.0/8", "10.9.9.9", false)]
    public void Condition_operators_compare_as_iam_does(string op, string key, string policyValue, string requestValue, bool allowed)
    {
        var context = RequestContext.Empty.With(key.ToLowerInvariant(), requestValue);

        Assert.Equal(allowed, Decide("ecs:RunTask", TaskDefinition, context, AllowWhen(op, key, policyValue)).IsAllowed);
    }

    [Theory]
    [InlineData("StringEquals", false)]
    [InlineData("StringLike", false)]
    [InlineData("ArnLike", false)]
    [InlineData("NumericLessThan", false)]
    [InlineData("IpAddress", false)]
    [InlineData("StringNotEquals", true)]
    [InlineData("StringNotLike", true)]
    [InlineData("ArnNotLike", true)]
    [InlineData("NotIpAddress", true)]
    [InlineData("StringEqualsIfExists", true)]
    [InlineData("ArnLikeIfExists", true)]
    [InlineData("ForAnyValue:StringEquals", false)]
    [InlineData("ForAllValues:StringEquals", true)]
    public void Missing_key_fails_positive_operators_and_satisfies_negated_and_if_exists_ones(string op, bool allowed)
    {
        Assert.Equal(allowed, Decide("ecs:RunTask", TaskDefinition, RequestContext.Empty, AllowWhen(op, "aws:ResourceTag/env", "prod")).IsAllowed);
    }

    [Fact]
    public void IfExists_still_compares_a_key_that_is_there()
    {
        var policy = AllowWhen("StringEqualsIfExists", "aws:ResourceTag/env", "dev");

        Assert.False(Decide("ecs:RunTask", TaskDefinition, RequestContext.Empty.With("aws:ResourceTag/env", "prod"), policy).IsAllowed);
    }

    [Fact]
    public void Several_values_of_one_key_are_ored()
    {
        var policy = Policy("""{"Effect":"Allow","Action":"ecs:*","Resource":"*","Condition":{"StringEquals":{"aws:ResourceTag/env":["dev","test"]}}}""");

        Assert.True(Decide("ecs:RunTask", TaskDefinition, RequestContext.Empty.With("aws:ResourceTag/env", "test"), policy).IsAllowed);
        Assert.False(Decide("ecs:RunTask", TaskDefinition, RequestContext.Empty.With("aws:ResourceTag/env", "prod"), policy).IsAllowed);
    }

    [Fact]
    public void Several_keys_and_operators_are_anded()
    {
        var policy = Policy("""
            {"Effect":"Allow","Action":"ecs:RunTask","Resource":"*","Condition":{
              "StringEquals":{"aws:ResourceTag/env":"dev","aws:PrincipalTag/team":"web"},
              "ArnLike":{"ecs:cluster":"arn:aws:ecs:*:*:cluster/dev"}}}
            """);
        var context = RequestContext.ForRequest(Alice, DateTimeOffset.UnixEpoch, null, true, null)
            .With("aws:ResourceTag/env", "dev").With("ecs:cluster", DevCluster);

        Assert.True(Decide("ecs:RunTask", TaskDefinition, context, policy).IsAllowed);
        Assert.False(Decide("ecs:RunTask", TaskDefinition, context.With("ecs:cluster", ProdCluster), policy).IsAllowed);
        Assert.False(Decide("ecs:RunTask", TaskDefinition, context.With("aws:PrincipalTag/team", "data"), policy).IsAllowed);
    }

    [Theory]
    [InlineData("true", false, true)]
    [InlineData("true", true, false)]
    [InlineData("false", true, true)]
    [InlineData("false", false, false)]
    public void Null_tests_whether_the_key_is_absent(string policyValue, bool keyPresent, bool allowed)
    {
        var context = keyPresent ? RequestContext.Empty.With("aws:TagKeys", "env") : RequestContext.Empty;

        Assert.Equal(allowed, Decide("ecs:TagResource", ProdCluster, context, AllowWhen("Null", "aws:TagKeys", policyValue)).IsAllowed);
    }

    [Fact]
    public void ForAnyValue_needs_one_request_value_to_match()
    {
        var policy = AllowWhen("ForAnyValue:StringEquals", "aws:TagKeys", "env");

        Assert.True(Decide("ecs:TagResource", ProdCluster, RequestContext.Empty.With("aws:TagKeys", "owner", "env"), policy).IsAllowed);
        Assert.False(Decide("ecs:TagResource", ProdCluster, RequestContext.Empty.With("aws:TagKeys", "owner"), policy).IsAllowed);
        Assert.False(Decide("ecs:TagResource", ProdCluster, RequestContext.Empty.With("aws:TagKeys", []), policy).IsAllowed);
    }

    [Fact]
    public void ForAllValues_needs_every_request_value_to_match_and_holds_for_none()
    {
        var policy = Policy("""{"Effect":"Allow","Action":"ecs:TagResource","Resource":"*","Condition":{"ForAllValues:StringEquals":{"aws:TagKeys":["env","owner"]}}}""");

        Assert.True(Decide("ecs:TagResource", ProdCluster, RequestContext.Empty.With("aws:TagKeys", "env", "owner"), policy).IsAllowed);
        Assert.False(Decide("ecs:TagResource", ProdCluster, RequestContext.Empty.With("aws:TagKeys", "env", "cost"), policy).IsAllowed);
        Assert.True(Decide("ecs:TagResource", ProdCluster, RequestContext.Empty.With("aws:TagKeys", []), policy).IsAllowed);
    }

    [Fact]
    public void ForAllValues_with_a_negated_operator_refuses_any_listed_value()
    {
        var policy = AllowWhen("ForAllValues:StringNotEquals", "aws:TagKeys", "owner");

        Assert.True(Decide("ecs:TagResource", ProdCluster, RequestContext.Empty.With("aws:TagKeys", "env", "cost"), policy).IsAllowed);
        Assert.False(Decide("ecs:TagResource", ProdCluster, RequestContext.Empty.With("aws:TagKeys", "env", "owner"), policy).IsAllowed);
    }

    [Fact]
    public void StringLike_wildcards_in_a_deny_with_a_request_tag()
    {
        var policy = Policy(Statement("Allow", "ecs:*", "*"),
            """{"Effect":"Deny","Action":"ecs:CreateCluster","Resource":"*","Condition":{"StringNotLike":{"aws:RequestTag/team":"web-*"}}}""");

        Assert.True(Decide("ecs:CreateCluster", ProdCluster, RequestContext.Empty.With("aws:RequestTag/team", "web-frontend"), policy).IsAllowed);
        Assert.Equal(AuthorizationOutcome.ExplicitDeny,
            Decide("ecs:CreateCluster", ProdCluster, RequestContext.Empty.With("aws:RequestTag/team", "data"), policy).Outcome);
        Assert.Equal(AuthorizationOutcome.ExplicitDeny, Decide("ecs:CreateCluster", ProdCluster, RequestContext.Empty, policy).Outcome);
    }

    [Fact]
    public void Policy_variables_are_substituted_in_resources_and_condition_values()
    {
        var context = RequestContext.ForRequest(Alice, DateTimeOffset.UnixEpoch, null, true, null);
        var ownUser = Allow("iam:CreateAccessKey", "arn:aws:iam::*:user/${aws:username}");
        var ownTag = AllowWhen("StringEquals", "aws:ResourceTag/owner", "${aws:username}");

        Assert.True(Decide("iam:CreateAccessKey", "arn:aws:iam::000000000000:user/alice", context, ownUser).IsAllowed);
        Assert.False(Decide("iam:CreateAccessKey", "arn:aws:iam::000000000000:user/bob", context, ownUser).IsAllowed);
        Assert.True(Decide("ecs:RunTask", TaskDefinition, context.With("aws:ResourceTag/owner", "alice"), ownTag).IsAllowed);
    }

    [Fact]
    public void Policy_variable_without_a_value_matches_nothing_unless_it_has_a_default()
    {
        var noUserName = RequestContext.ForRequest(Session, DateTimeOffset.UnixEpoch, null, true, null);

        Assert.False(Decide("iam:GetUser", "arn:aws:iam::000000000000:user/", noUserName, Allow("iam:GetUser", "arn:aws:iam::*:user/${aws:username}")).IsAllowed);
        Assert.True(Decide("iam:GetUser", "arn:aws:iam::000000000000:user/nobody", noUserName,
            Allow("iam:GetUser", "arn:aws:iam::*:user/${aws:username, 'nobody'}")).IsAllowed);
    }

    [Fact]
    public void Policy_variables_are_literal_text_without_the_2012_version()
    {
        var context = RequestContext.ForRequest(Alice, DateTimeOffset.UnixEpoch, null, true, null);
        var legacy = Parse("""{"Statement":[{"Effect":"Allow","Action":"iam:GetUser","Resource":"arn:aws:iam::*:user/${aws:username}"}]}""");

        Assert.False(Decide("iam:GetUser", "arn:aws:iam::000000000000:user/alice", context, legacy).IsAllowed);
        Assert.True(Decide("iam:GetUser", "arn:aws:iam::000000000000:user/${aws:username}", context, legacy).IsAllowed);
    }

    [Fact]
    public void Global_context_keys_describe_the_caller_and_the_request()
    {
        var context = RequestContext.ForRequest(Session, new DateTimeOffset(2025, 3, 14, 9, 26, 53, TimeSpan.Zero), "10.0.0.7", false, "eu-west-1");

        Assert.Equal(["arn:aws:iam::000000000000:role/deployer"], context.Values("aws:PrincipalArn"));
        Assert.Equal(["000000000000"], context.Values("aws:PrincipalAccount"));
        Assert.Equal(["AssumedRole"], context.Values("aws:PrincipalType"));
        Assert.Equal(["AROADEPLOYER0000000:ci"], context.Values("aws:userid"));
        Assert.Null(context.Values("aws:username"));
        Assert.Equal(["2025-03-14T09:26:53Z"], context.Values("aws:CurrentTime"));
        Assert.Equal(["1741944413"], context.Values("aws:EpochTime"));
        Assert.Equal(["false"], context.Values("aws:SecureTransport"));
        Assert.Equal(["10.0.0.7"], context.Values("aws:SourceIp"));
        Assert.Equal(["eu-west-1"], context.Values("aws:RequestedRegion"));
    }

    [Fact]
    public void Resource_tags_are_also_the_services_own_resource_tag_keys()
    {
        var context = RequestContext.Empty.WithResourceTags(new Dictionary<string, string> { ["env"] = "prod" }, "ecs");

        Assert.Equal(["prod"], context.Values("aws:ResourceTag/env"));
        Assert.Equal(["prod"], context.Values("ecs:ResourceTag/env"));
    }

    [Fact]
    public void Role_session_is_denied_under_its_session_arn_and_allowed_by_its_roles_principal_arn()
    {
        var context = RequestContext.ForRequest(Session, DateTimeOffset.UnixEpoch, null, true, null);
        var policy = AllowWhen("ArnLike", "aws:PrincipalArn", "arn:aws:iam::*:role/deployer");

        Assert.True(Decide("ecs:RunTask", TaskDefinition, context, policy, principal: Session).IsAllowed);
        Assert.StartsWith("User: arn:aws:sts::000000000000:assumed-role/deployer/ci is not authorized to perform: ecs:RunTask",
            Decide("ecs:RunTask", TaskDefinition, context, principal: Session).DenialMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Root_user_needs_no_identity_policy()
    {
        var root = new AuthorizationPrincipal("arn:aws:iam::000000000000:root", Account, PrincipalKind.Root);

        Assert.True(Decide("ecs:DeleteCluster", ProdCluster, null, principal: root).IsAllowed);
    }

    [Fact]
    public void Trust_policy_allows_the_service_it_names_and_refuses_others()
    {
        var trust = Trust("""{"Service":"ecs-tasks.amazonaws.com"}""");

        var tasks = Assume(AuthorizationPrincipal.ServicePrincipal("ecs-tasks.amazonaws.com"), trust);
        var lambda = Assume(AuthorizationPrincipal.ServicePrincipal("lambda.amazonaws.com"), trust);

        Assert.True(tasks.IsAllowed);
        Assert.Equal(AuthorizationOutcome.ImplicitDeny, lambda.Outcome);
        Assert.Equal(
            "User: lambda.amazonaws.com is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::000000000000:role/web-task because no resource-based policy allows the sts:AssumeRole action",
            lambda.DenialMessage);
    }

    [Fact]
    public void Trust_policy_naming_the_user_allows_without_an_identity_policy()
    {
        Assert.True(Assume(Alice, Trust("""{"AWS":"arn:aws:iam::000000000000:user/alice"}""")).IsAllowed);
    }

    [Fact]
    public void Trust_policy_naming_the_account_needs_the_users_identity_policy_too()
    {
        var trust = Trust("""{"AWS":"000000000000"}""");

        var without = Assume(Alice, trust);
        var with = Assume(Alice, trust, Allow("sts:AssumeRole", TaskRole));

        Assert.Equal(
            "User: arn:aws:iam::000000000000:user/alice is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::000000000000:role/web-task because no identity-based policy allows the sts:AssumeRole action",
            without.DenialMessage);
        Assert.True(with.IsAllowed);
    }

    [Fact]
    public void Identity_policy_alone_cannot_assume_a_role_whose_trust_policy_does_not_name_the_caller()
    {
        var decision = Assume(Alice, Trust("""{"Service":"ecs-tasks.amazonaws.com"}"""), Allow("sts:AssumeRole", "*"));

        Assert.Equal(AuthorizationOutcome.ImplicitDeny, decision.Outcome);
    }

    [Fact]
    public void Trust_policy_naming_a_role_admits_its_sessions()
    {
        Assert.True(Assume(Session, Trust("""{"AWS":"arn:aws:iam::000000000000:role/deployer"}""")).IsAllowed);
    }

    [Fact]
    public void Deny_in_a_trust_policy_is_an_explicit_deny_in_a_resource_based_policy()
    {
        var trust = Parse("""
            {"Version":"2012-10-17","Statement":[
              {"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"AWS":"000000000000"}},
              {"Effect":"Deny","Action":"sts:AssumeRole","Principal":{"AWS":"arn:aws:iam::000000000000:user/alice"}}]}
            """, PolicyKind.RoleTrust);

        var decision = Assume(Alice, trust, Allow("sts:AssumeRole", "*"));

        Assert.Equal(AuthorizationOutcome.ExplicitDeny, decision.Outcome);
        Assert.EndsWith("with an explicit deny in a resource-based policy", decision.DenialMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Resource_policy_naming_the_caller_allows_without_an_identity_policy_and_its_deny_wins()
    {
        const string secret = "arn:aws:secretsmanager:us-east-1:000000000000:secret:db-AbCdEf";
        var allow = Parse($$$"""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"secretsmanager:GetSecretValue","Resource":"*","Principal":{"AWS":"{{{Alice.Arn}}}"}}]}""", PolicyKind.Resource);
        var deny = Parse("""{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"secretsmanager:*","Resource":"*","Principal":"*"}]}""", PolicyKind.Resource);

        Assert.True(Evaluate(new AuthorizationRequest(Alice, "secretsmanager:GetSecretValue", secret, RequestContext.Empty, [], ResourcePolicy: allow)).IsAllowed);
        Assert.Equal(AuthorizationOutcome.ExplicitDeny,
            Evaluate(new AuthorizationRequest(Alice, "secretsmanager:GetSecretValue", secret, RequestContext.Empty, [Allow("*", "*")], ResourcePolicy: deny)).Outcome);
    }

    [Fact]
    public void NotPrincipal_deny_applies_to_everyone_but_the_named()
    {
        const string secret = "arn:aws:secretsmanager:us-east-1:000000000000:secret:db-AbCdEf";
        var policy = Parse($$$"""{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"secretsmanager:*","Resource":"*","NotPrincipal":{"AWS":"{{{Alice.Arn}}}"}}]}""", PolicyKind.Resource);

        Assert.True(Evaluate(new AuthorizationRequest(Alice, "secretsmanager:GetSecretValue", secret, RequestContext.Empty, [Allow("*", "*")], ResourcePolicy: policy)).IsAllowed);
        Assert.False(Evaluate(new AuthorizationRequest(Session, "secretsmanager:GetSecretValue", secret, RequestContext.Empty, [Allow("*", "*")], ResourcePolicy: policy)).IsAllowed);
    }

    private static AuthorizationDecision Evaluate(AuthorizationRequest request) => PolicyEvaluator.Evaluate(request);

    private static AuthorizationDecision Decide(string action, string resource, RequestContext? context = null, PolicyDocument? policy = null,
        PolicyDocument? second = null, AuthorizationPrincipal? principal = null) =>
        PolicyEvaluator.Evaluate(new AuthorizationRequest(principal ?? Alice, action, resource, context ?? RequestContext.Empty,
            [.. new[] { policy, second }.OfType<PolicyDocument>()]));

    [Fact]
    public void A_trust_policy_allows_the_principals_it_names_and_those_of_an_account_it_names()
    {
        var trustsAlice = Trust("""{"AWS":"arn:aws:iam::000000000000:user/alice"}""");
        Assert.True(PolicyEvaluator.EvaluateTrust(trustsAlice, Alice, TaskRole, RequestContext.Empty).IsAllowed);
        Assert.Equal(AuthorizationOutcome.ImplicitDeny, PolicyEvaluator.EvaluateTrust(trustsAlice, Session, TaskRole, RequestContext.Empty).Outcome);
        // The account (as an id or its root ARN) hands the decision to identity policies, checked apart.
        Assert.True(PolicyEvaluator.EvaluateTrust(Trust("""{"AWS":"000000000000"}"""), Session, TaskRole, RequestContext.Empty).IsAllowed);
        Assert.False(PolicyEvaluator.EvaluateTrust(Trust("""{"AWS":"111111111111"}"""), Alice, TaskRole, RequestContext.Empty).IsAllowed);
        // Role chaining: a trust policy naming a role admits that role's sessions.
        Assert.True(PolicyEvaluator.EvaluateTrust(Trust("""{"AWS":"arn:aws:iam::000000000000:role/deployer"}"""), Session, TaskRole, RequestContext.Empty).IsAllowed);
    }

    [Fact]
    public void A_trust_policy_for_a_service_admits_that_service_only()
    {
        var trust = Trust("""{"Service":"ecs-tasks.amazonaws.com"}""");

        Assert.True(PolicyEvaluator.EvaluateTrust(trust, AuthorizationPrincipal.ServicePrincipal("ecs-tasks.amazonaws.com"), TaskRole, RequestContext.Empty).IsAllowed);
        Assert.False(PolicyEvaluator.EvaluateTrust(trust, AuthorizationPrincipal.ServicePrincipal("ec2.amazonaws.com"), TaskRole, RequestContext.Empty).IsAllowed);
        Assert.False(PolicyEvaluator.EvaluateTrust(trust, Alice, TaskRole, RequestContext.Empty).IsAllowed);
    }

    [Fact]
    public void A_trust_policy_condition_on_the_external_id_must_hold_and_its_deny_wins()
    {
        var trust = Parse("""
            {"Version":"2012-10-17","Statement":[
              {"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"AWS":"000000000000"},"Condition":{"StringEquals":{"sts:ExternalId":"s3cret"}}},
              {"Effect":"Deny","Action":"sts:AssumeRole","Principal":{"AWS":"arn:aws:iam::000000000000:user/alice"}}]}
            """, PolicyKind.RoleTrust);

        Assert.True(PolicyEvaluator.EvaluateTrust(trust, Session, TaskRole, RequestContext.Empty.With("sts:ExternalId", "s3cret")).IsAllowed);
        Assert.False(PolicyEvaluator.EvaluateTrust(trust, Session, TaskRole, RequestContext.Empty.With("sts:ExternalId", "guess")).IsAllowed);
        Assert.False(PolicyEvaluator.EvaluateTrust(trust, Session, TaskRole, RequestContext.Empty).IsAllowed);
        Assert.Equal(AuthorizationOutcome.ExplicitDeny,
            PolicyEvaluator.EvaluateTrust(trust, Alice, TaskRole, RequestContext.Empty.With("sts:ExternalId", "s3cret")).Outcome);
    }

    [Fact]
    public void Principal_arns_of_role_sessions_parse_back_to_their_role_and_session()
    {
        var arn = PrincipalArns.AssumedRole(Account, "deployer", "ci");

        Assert.Equal("arn:aws:sts::000000000000:assumed-role/deployer/ci", arn);
        Assert.True(PrincipalArns.TryParseAssumedRole(arn, out var account, out var role, out var session));
        Assert.Equal((Account, "deployer", "ci"), (account, role, session));
        Assert.False(PrincipalArns.TryParseAssumedRole("arn:aws:iam::000000000000:role/deployer", out _, out _, out _));
        Assert.Equal("deployer", PrincipalArns.RoleName("arn:aws:iam::000000000000:role/team/deployer"));
        Assert.Null(PrincipalArns.RoleName(arn));
        Assert.Equal("alice", PrincipalArns.UserName("arn:aws:iam::000000000000:user/alice"));
    }

    private static AuthorizationDecision Assume(AuthorizationPrincipal caller, PolicyDocument trust, PolicyDocument? identity = null) =>
        PolicyEvaluator.Evaluate(new AuthorizationRequest(caller, "sts:AssumeRole", TaskRole, RequestContext.Empty,
            identity is null ? [] : [identity], TrustPolicy: trust));

    private static PolicyDocument Trust(string principal) =>
        Parse($$"""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{{principal}}}]}""", PolicyKind.RoleTrust);

    private static PolicyDocument Allow(string action, string resource) => Policy(Statement("Allow", action, resource));

    private static PolicyDocument Deny(string action, string resource) => Policy(Statement("Deny", action, resource));

    private static PolicyDocument AllowWhen(string op, string key, string value) =>
        Policy($$"""{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"{{op}}":{"{{key}}":"{{value}}"}""" + "}}");

    private static string Statement(string effect, string action, string resource) =>
        $$"""{"Effect":"{{effect}}","Action":"{{action}}","Resource":"{{resource}}"}""";

    private static PolicyDocument Policy(params string[] statements) =>
        Parse($$"""{"Version":"2012-10-17","Statement":[{{string.Join(',', statements)}}]}""");

    private static PolicyDocument Parse(string json, PolicyKind kind = PolicyKind.Identity)
    {
        Assert.True(PolicyDocument.TryParse(json, kind, out var document, out var error), error);
        return document;
    }
}
