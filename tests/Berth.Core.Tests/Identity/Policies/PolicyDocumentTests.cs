using Berth.Core.Identity.Policies;

namespace Berth.Core.Tests.Identity.Policies;

public class PolicyDocumentTests
{
    [Fact]
    public void Statement_may_be_a_single_object_with_single_strings()
    {
        var document = Parse("""{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"ecs:Describe*","Resource":"*"}}""");

        var statement = Assert.Single(document.Statements);
        Assert.Equal(PolicyEffect.Allow, statement.Effect);
        Assert.Equal(["ecs:Describe*"], statement.Action.Patterns);
        Assert.False(statement.Action.IsNot);
        Assert.Equal(["*"], statement.Resource!.Patterns);
        Assert.Null(statement.Principal);
        Assert.True(document.SubstitutesVariables);
    }

    [Fact]
    public void Statements_keep_sid_not_elements_and_conditions()
    {
        var document = Parse("""
            {"Version":"2012-10-17","Id":"p1","Statement":[
              {"Sid":"DenyProd","Effect":"Deny","NotAction":["ecs:List*","ecs:Describe*"],"NotResource":"arn:aws:ecs:*:*:cluster/dev",
               "Condition":{"StringEquals":{"aws:ResourceTag/env":["prod","staging"]},"ForAnyValue:StringLikeIfExists":{"aws:TagKeys":"team-*"},
                            "NumericLessThan":{"ecs:count":5},"Bool":{"aws:SecureTransport":false}}}]}
            """);

        var statement = Assert.Single(document.Statements);
        Assert.Equal(("p1", "DenyProd", PolicyEffect.Deny, true, true), (document.Id, statement.Sid, statement.Effect, statement.Action.IsNot, statement.Resource!.IsNot));
        Assert.Equal(
            ["StringEquals aws:ResourceTag/env prod,staging", "ForAnyValue:StringLikeIfExists aws:TagKeys team-*", "NumericLessThan ecs:count 5", "Bool aws:SecureTransport false"],
            statement.Conditions.Select(c => $"{c.Operator} {c.Key} {string.Join(',', c.Values)}"));
    }

    [Fact]
    public void Trust_policy_principals_are_read_by_type_with_account_ids_as_root_arns()
    {
        var document = Parse("""
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole",
              "Principal":{"Service":"ecs-tasks.amazonaws.com","AWS":["123456789012","arn:aws:iam::000000000000:user/alice"]}}]}
            """, PolicyKind.RoleTrust);

        var principal = document.Statements[0].Principal!;
        Assert.Equal(["ecs-tasks.amazonaws.com"], principal.OfType("Service"));
        Assert.Equal(["arn:aws:iam::123456789012:root", "arn:aws:iam::000000000000:user/alice"], principal.OfType("AWS"));
        Assert.Null(document.Statements[0].Resource);
    }

    [Fact]
    public void Star_principal_is_everyone()
    {
        var document = Parse("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":"*"}]}""", PolicyKind.RoleTrust);

        Assert.True(document.Statements[0].Principal!.IsEveryone);
    }

    [Theory]
    [InlineData("not json", "Syntax errors in policy.")]
    [InlineData("""{"Version":"2012-10-17"}""", "Missing required field Statement")]
    [InlineData("""{"Version":"2012-10-17","Statement":[{"Action":"ecs:*","Resource":"*"}]}""", "Missing required field Effect")]
    [InlineData("""{"Version":"2012-10-17","Statement":[{"Effect":"allow","Action":"ecs:*","Resource":"*"}]}""", "Syntax errors in policy.")]
    [InlineData("""{"Statement":[{"Effect":"allow","Action":"ecs:*","Resource":"*"}]}""", "The policy failed legacy parsing")]
    [InlineData("""{"Version":"2012-10-18","Statement":[{"Effect":"Allow","Action":"ecs:*","Resource":"*"}]}""", "Syntax errors in policy.")]
    [InlineData("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Resource":"*"}]}""", "Policy statement must contain actions.")]
    [InlineData("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":[],"Resource":"*"}]}""", "Policy statement must contain actions.")]
    [InlineData("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecs:*"}]}""", "Policy statement must contain resources.")]
    [InlineData("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"RunTask","Resource":"*"}]}""", "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.")]
    [InlineData("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecs:Run:Task","Resource":"*"}]}""", "Actions/Condition can contain only one colon.")]
    [InlineData("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecs:*","Resource":"cluster/prod"}]}""", "Resource cluster/prod must be in ARN format or \"*\".")]
    [InlineData("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecs:*","Resource":"*","Principal":"*"}]}""", "Has prohibited field Principal")]
    [InlineData("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecs:*","Resource":"*","Colour":"red"}]}""", "Syntax errors in policy.")]
    [InlineData("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecs:*","NotAction":"ecs:RunTask","Resource":"*"}]}""", "Syntax errors in policy.")]
    [InlineData("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecs:*","Resource":"*","Condition":{"StringEqualz":{"aws:username":"a"}}}]}""", "Syntax errors in policy.")]
    [InlineData("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecs:*","Resource":"*","Condition":{"NullIfExists":{"aws:username":"true"}}}]}""", "Syntax errors in policy.")]
    [InlineData("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecs:*","Resource":"*","Condition":{"StringEquals":{"username":"a"}}}]}""", "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.")]
    [InlineData("""{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Allow","Action":"ecs:*","Resource":"*"},{"Sid":"A","Effect":"Deny","Action":"ecs:*","Resource":"*"}]}""", "Statement IDs (SID) in a single policy must be unique.")]
    public void Malformed_identity_policies_are_refused_with_iams_message(string json, string message)
    {
        Assert.False(PolicyDocument.TryParse(json, PolicyKind.Identity, out _, out var error));
        Assert.Equal(message, error);
    }

    [Theory]
    [InlineData("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole"}]}""", "Missing required field Principal")]
    [InlineData("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Resource":"*"}]}""", "Has prohibited field Resource")]
    [InlineData("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecs:RunTask","Principal":{"Service":"ecs-tasks.amazonaws.com"}}]}""", "AssumeRole policy may only specify STS AssumeRole actions.")]
    [InlineData("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"AWS":"bob"}}]}""", "Invalid principal in policy: \"AWS\":\"bob\"")]
    [InlineData("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"Service":"ecs-tasks"}}]}""", "Invalid principal in policy: \"Service\":\"ecs-tasks\"")]
    [InlineData("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"Robot":"r2d2"}}]}""", "Syntax errors in policy.")]
    [InlineData("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","NotPrincipal":{"AWS":"123456789012"}}]}""", "Has prohibited field NotPrincipal")]
    public void Malformed_trust_policies_are_refused_with_iams_message(string json, string message)
    {
        Assert.False(PolicyDocument.TryParse(json, PolicyKind.RoleTrust, out _, out var error));
        Assert.Equal(message, error);
    }

    [Fact]
    public void Resource_policy_needs_a_principal_and_a_resource()
    {
        Assert.False(PolicyDocument.TryParse("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"secretsmanager:GetSecretValue","Resource":"*"}]}""",
            PolicyKind.Resource, out _, out var noPrincipal));
        Assert.True(PolicyDocument.TryParse("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"secretsmanager:GetSecretValue","Resource":"*","NotPrincipal":{"AWS":"123456789012"}}]}""",
            PolicyKind.Resource, out var withNotPrincipal, out _));

        Assert.Equal("Missing required field Principal", noPrincipal);
        Assert.True(withNotPrincipal.Statements[0].Principal!.IsNot);
    }

    [Fact]
    public void Document_without_version_does_not_substitute_policy_variables()
    {
        Assert.False(Parse("""{"Statement":[{"Effect":"Allow","Action":"ecs:*","Resource":"*"}]}""").SubstitutesVariables);
    }

    private static PolicyDocument Parse(string json, PolicyKind kind = PolicyKind.Identity)
    {
        Assert.True(PolicyDocument.TryParse(json, kind, out var document, out var error), error);
        return document;
    }
}
