namespace Berth.Api.Tests.Ecs;

/// <summary>
/// Errors whose type and text tools and scripts match on, as the ECS API reference and the AWS CLI's examples give them
/// (issue 20, "Exact errors").
/// </summary>
public class ExactErrorApiTests(BerthServerFixture server) : IClassFixture<BerthServerFixture>
{
    private readonly EcsClient _ecs = server.NewClient();

    [Fact]
    public async Task A_container_without_a_name_or_an_image_is_a_client_exception()
    {
        Assert.Equal(("ClientException", "Container.name should not be null or empty."),
            await _ecs.ErrorAsync("RegisterTaskDefinition", new { family = "exact", containerDefinitions = new[] { new { image = "busybox", memory = 64 } } }));
        Assert.Equal(("ClientException", "Container.image should not be null or empty."),
            await _ecs.ErrorAsync("RegisterTaskDefinition", new { family = "exact", containerDefinitions = new[] { new { name = "app", memory = 64 } } }));
    }

    [Fact]
    public async Task Fargate_refuses_host_pid_mode_and_any_ipc_mode_each_with_its_own_message()
    {
        Assert.Equal(("ClientException", "Tasks using the Fargate launch type do not support pidMode 'host'. The supported value for pidMode is 'task'."),
            await _ecs.ErrorAsync("RegisterTaskDefinition", Fargate(pidMode: "host", ipcMode: null)));
        Assert.Equal(("ClientException", "Tasks using the Fargate launch type do not support ipcMode."),
            await _ecs.ErrorAsync("RegisterTaskDefinition", Fargate(pidMode: null, ipcMode: "task")));
        await _ecs.OkAsync("RegisterTaskDefinition", Fargate(pidMode: "task", ipcMode: null));
    }

    [Fact]
    public async Task A_definition_without_the_launch_types_compatibility_is_an_invalid_parameter_for_run_task_and_services()
    {
        await _ecs.OkAsync("CreateCluster", new { clusterName = "exact-lt" });
        await ClusterCapacity.RegisterWebAsync(_ecs, "exact-ec2");
        var network = new { awsvpcConfiguration = new { subnets = new[] { "subnet-local-a" } } };
        const string Expected = "Task definition does not support launch_type FARGATE.";

        Assert.Equal(("InvalidParameterException", Expected),
            await _ecs.ErrorAsync("RunTask", new { cluster = "exact-lt", taskDefinition = "exact-ec2", launchType = "FARGATE", networkConfiguration = network }));
        Assert.Equal(("InvalidParameterException", Expected),
            await _ecs.ErrorAsync("CreateService", new { cluster = "exact-lt", serviceName = "exact", taskDefinition = "exact-ec2", launchType = "FARGATE", desiredCount = 0, networkConfiguration = network }));
    }

    [Fact]
    public async Task Deployment_alarms_are_refused_for_the_external_and_code_deploy_controllers()
    {
        await _ecs.OkAsync("CreateCluster", new { clusterName = "exact-alarms" });
        await ClusterCapacity.RegisterWebAsync(_ecs, "exact-alarms");
        const string Expected = "Alarm based rollback feature is only supported with ECS deployment controller. Update to ECS deployment controller and try again.";
        var alarms = new { alarms = new { alarmNames = new[] { "errors" }, enable = true, rollback = true } };
        var disabled = new { alarms = new { alarmNames = Array.Empty<string>(), enable = false, rollback = false } };

        Assert.Equal(("InvalidParameterException", Expected), await _ecs.ErrorAsync("CreateService", new
        {
            cluster = "exact-alarms",
            serviceName = "external",
            deploymentController = new { type = "EXTERNAL" },
            deploymentConfiguration = alarms,
        }));
        Assert.Equal(("InvalidParameterException", Expected), await _ecs.ErrorAsync("CreateService", new
        {
            cluster = "exact-alarms",
            serviceName = "blue-green",
            taskDefinition = "exact-alarms",
            desiredCount = 0,
            deploymentController = new { type = "CODE_DEPLOY" },
            deploymentConfiguration = disabled,
        }));
        Assert.Empty((await _ecs.OkAsync("ListServices", new { cluster = "exact-alarms" }))["serviceArns"]!.AsArray());

        await _ecs.OkAsync("CreateService", new { cluster = "exact-alarms", serviceName = "external", deploymentController = new { type = "EXTERNAL" } });
        Assert.Equal(("InvalidParameterException", Expected),
            await _ecs.ErrorAsync("UpdateService", new { cluster = "exact-alarms", service = "external", deploymentConfiguration = alarms }));
        var service = (await _ecs.OkAsync("DescribeServices", new { cluster = "exact-alarms", services = new[] { "external" } }))["services"]![0]!;
        Assert.Null(service["deploymentConfiguration"]?["alarms"]);

        // The ECS controller takes them.
        await _ecs.OkAsync("CreateService", new { cluster = "exact-alarms", serviceName = "rolling", taskDefinition = "exact-alarms", desiredCount = 0, deploymentConfiguration = alarms });
    }

    [Fact]
    public async Task Listing_the_tasks_of_an_unknown_service_is_service_not_found()
    {
        await _ecs.OkAsync("CreateCluster", new { clusterName = "exact-list" });

        Assert.Equal("ServiceNotFoundException", (await _ecs.ErrorAsync("ListTasks", new { cluster = "exact-list", serviceName = "nosuch" })).Type);
    }

    [Fact]
    public async Task Describing_no_container_instances_says_they_cannot_be_empty()
    {
        await _ecs.OkAsync("CreateCluster", new { clusterName = "exact-ci" });

        Assert.Equal(("ClientException", "Container instance cannot be empty."),
            await _ecs.ErrorAsync("DescribeContainerInstances", new { cluster = "exact-ci", containerInstances = Array.Empty<string>() }));
    }

    private static object Fargate(string? pidMode, string? ipcMode) => new
    {
        family = "exact-fargate",
        requiresCompatibilities = new[] { "FARGATE" },
        networkMode = "awsvpc",
        cpu = "256",
        memory = "512",
        pidMode,
        ipcMode,
        containerDefinitions = new[] { new { name = "app", image = "busybox" } },
    };
}
