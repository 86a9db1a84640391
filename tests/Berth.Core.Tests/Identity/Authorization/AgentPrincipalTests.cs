using Berth.Core.Agent;
using Berth.Core.Identity.Authorization;

namespace Berth.Core.Tests.Identity.Authorization;

public sealed class AgentPrincipalTests
{
    private const string Instance = "arn:aws:ecs:us-east-1:000000000000:container-instance/prod/0123456789abcdef";

    [Theory]
    [InlineData(Instance, true)]
    [InlineData("arn:aws:iam::000000000000:root", false)]
    [InlineData("arn:aws:iam::000000000000:user/container-instance/x", false)]
    [InlineData("arn:aws:ecs:us-east-1:000000000000:task/prod/0123456789abcdef", false)]
    [InlineData("arn:aws:ecs:us-east-1:000000000000:cluster/container-instance", false)]
    public void Only_a_container_instance_arn_is_an_agent(string principalArn, bool isAgent) =>
        Assert.Equal(isAgent, AgentPrincipal.IsAgent(principalArn));

    [Theory]
    [InlineData("logs:PutLogEvents", true)]
    [InlineData("logs:CreateLogStream", true)]
    [InlineData("ecs:RegisterContainerInstance", true)]
    [InlineData("ecs:RunTask", false)]
    [InlineData("ecs:DeregisterContainerInstance", false)]
    [InlineData("iam:CreateUser", false)]
    [InlineData("berth:CreateAgentJoinToken", false)]
    public void The_agents_policy_allows_registering_and_shipping_logs_and_nothing_else(string action, bool allowed)
    {
        var agent = new AuthorizationPrincipal(Instance, "000000000000", PrincipalKind.AssumedRole);
        var decision = PolicyEvaluator.Evaluate(new AuthorizationRequest(agent, action, "*", RequestContext.Empty, [AgentPrincipal.Policy]));
        Assert.Equal(allowed, decision.IsAllowed);
    }
}
