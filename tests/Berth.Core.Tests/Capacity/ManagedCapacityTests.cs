using Berth.Core.Arns;
using Berth.Core.Capacity;
using Berth.Core.Clusters;
using Berth.Core.Ecs;
using Berth.Core.Errors;

namespace Berth.Core.Tests.Capacity;

public class ManagedCapacityTests
{
    private const string PoolInstance = "arn:aws:ecs:us-east-1:000000000000:container-instance/~fargate/abc";
    private const string UserInstance = "arn:aws:ecs:us-east-1:000000000000:container-instance/default/abc";

    [Fact]
    public void No_user_can_create_a_cluster_named_like_the_pool()
    {
        Assert.Throws<InvalidParameterException>(() =>
            ClusterRules.NewCluster(new CreateClusterRequest { ClusterName = ManagedCapacity.PoolClusterName }, new ResourceScope("us-east-1", "000000000000"), "disabled"));
    }

    [Fact]
    public void Pool_instances_live_outside_every_cluster_scope()
    {
        Assert.Equal(ManagedCapacity.PoolScope, ManagedCapacity.InstanceScopeOf("arn:aws:ecs:eu-west-1:000000000000:cluster/~fargate"));
        Assert.Equal("arn:aws:ecs:us-east-1:000000000000:cluster/fargate", ManagedCapacity.InstanceScopeOf("arn:aws:ecs:us-east-1:000000000000:cluster/fargate"));
    }

    [Fact]
    public void A_task_on_the_pool_is_reported_without_its_container_instance()
    {
        Assert.True(ManagedCapacity.IsManagedInstance(PoolInstance));
        Assert.Null(ManagedCapacity.AsReported(new EcsTask { ContainerInstanceArn = PoolInstance }).ContainerInstanceArn);
    }

    [Fact]
    public void A_task_on_a_user_instance_keeps_its_container_instance()
    {
        Assert.False(ManagedCapacity.IsManagedInstance(UserInstance));
        Assert.Equal(UserInstance, ManagedCapacity.AsReported(new EcsTask { ContainerInstanceArn = UserInstance }).ContainerInstanceArn);
    }

    [Fact]
    public void Only_live_spot_tasks_can_be_interrupted()
    {
        Assert.Throws<InvalidParameterException>(() => SpotInterruption.Check(null, "t"));
        Assert.Throws<InvalidParameterException>(() => SpotInterruption.Check(new EcsTask { CapacityProviderName = "FARGATE", DesiredStatus = "RUNNING" }, "t"));
        Assert.Throws<InvalidParameterException>(() => SpotInterruption.Check(new EcsTask { DesiredStatus = "RUNNING" }, "t"));
        Assert.Throws<InvalidParameterException>(() => SpotInterruption.Check(new EcsTask { CapacityProviderName = "FARGATE_SPOT", DesiredStatus = "STOPPED" }, "t"));
        SpotInterruption.Check(new EcsTask { CapacityProviderName = "FARGATE_SPOT", DesiredStatus = "RUNNING" }, "t");
    }
}
