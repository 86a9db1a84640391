using Berth.Agent.Tests.Support;
using Berth.Core.Ecs;
using Xunit.Abstractions;

namespace Berth.Agent.Tests.Logs;

/// <summary>Real containers on the real Docker engine; their awslogs output lands in the (in-memory) log service.</summary>
public sealed class LogShippingTests(ITestOutputHelper output)
{
    private static ContainerDefinition Printer(string script, string group, bool createGroup = false, Dictionary<string, string>? more = null) =>
        TestTasks.Tools("printer", script) with
        {
            LogConfiguration = new LogConfiguration
            {
                LogDriver = "awslogs",
                Options = new Dictionary<string, string>
                {
                    ["awslogs-group"] = group,
                    ["awslogs-region"] = "us-east-1",
                    ["awslogs-stream-prefix"] = "app",
                    ["awslogs-create-group"] = createGroup ? "true" : "false",
                }.Concat(more ?? []).ToDictionary(),
            },
        };

    private static string StreamOf(Core.Agent.TaskAssignment task)
    {
        var arn = task.Task.TaskArn!;
        return $"app/printer/{arn[(arn.LastIndexOf('/') + 1)..]}";
    }

    private static async Task<IReadOnlyList<string>> WaitForLinesAsync(FakeLogsClient logs, string group, string stream, int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var messages = logs.Messages(group, stream);
            if (messages.Count >= count || DateTime.UtcNow > deadline)
            {
                return messages;
            }
            await Task.Delay(100);
        }
    }

    private static IEnumerable<string> Expected(int count) => Enumerable.Range(1, count).Select(i => $"line {i}");

    [Fact]
    public async Task Every_line_of_stdout_and_stderr_arrives_in_order()
    {
        await using var h = await AgentHarness.StartAsync(output);
        h.Logs.AddGroup("/test/all");
        // 20,000 lines, every tenth on stderr: more than one PutLogEvents batch, both of Docker's streams.
        var task = TestTasks.Assignment("printer", "bridge",
            Printer("i=1; while [ $i -le 20000 ]; do if [ $((i % 10)) -eq 0 ]; then echo \"line $i\" >&2; else echo \"line $i\"; fi; i=$((i+1)); done", "/test/all"));

        var stopped = await h.RunUntilAsync(task, "STOPPED", TimeSpan.FromSeconds(60));
        Assert.Equal(0, stopped.Containers.Single().ExitCode);

        var lines = await WaitForLinesAsync(h.Logs, "/test/all", StreamOf(task), 20_000, TimeSpan.FromSeconds(60));
        // stdout and stderr are separate pipes: Docker timestamps each line as it reads it, so across the two a
        // line may come a moment early or late; nothing may be missing or doubled.
        Assert.Equal(Expected(20_000).Order(StringComparer.Ordinal), lines.Order(StringComparer.Ordinal));
        Assert.Equal(Expected(20_000).Where((_, i) => (i + 1) % 10 != 0), lines.Where(l => int.Parse(l[5..], System.Globalization.CultureInfo.InvariantCulture) % 10 != 0));
    }

    [Fact]
    public async Task Output_written_while_the_agent_is_down_or_the_server_fails_is_shipped_once_it_is_back()
    {
        await using var h = await AgentHarness.StartAsync(output);
        h.Logs.AddGroup("/test/restart");
        var task = TestTasks.Assignment("printer", "bridge",
            Printer("i=1; while [ $i -le 3000 ]; do echo \"line $i\"; [ $((i % 100)) -eq 0 ] && sleep 0.2; i=$((i+1)); done", "/test/restart"));
        await h.RunUntilAsync(task, "RUNNING");
        var before = await WaitForLinesAsync(h.Logs, "/test/restart", StreamOf(task), 300, TimeSpan.FromSeconds(30));
        Assert.InRange(before.Count, 300, 2_999); // stopped in the middle of the output

        await h.StopAgentAsync();
        await Task.Delay(1_000); // the container goes on printing
        h.Logs.FailPuts = 3;     // and the server is briefly down when the agent returns
        await h.StartAgentAsync();

        var lines = await WaitForLinesAsync(h.Logs, "/test/restart", StreamOf(task), 3_000, TimeSpan.FromSeconds(60));
        Assert.Equal(Expected(3_000), lines);
        Assert.Equal(0, h.Logs.FailPuts);
    }

    [Fact]
    public async Task A_missing_log_group_fails_the_task_start_with_ECS_reason()
    {
        await using var h = await AgentHarness.StartAsync(output);
        var task = TestTasks.Assignment("printer", "bridge", Printer("echo hi", "/test/missing"));

        var stopped = await h.RunUntilAsync(task, "STOPPED");

        Assert.Equal("TaskFailedToStart", stopped.StopCode);
        Assert.Equal(
            "ResourceInitializationError: failed to validate logger args: create stream has been retried 1 times: failed to create Cloudwatch log stream: ResourceNotFoundException: The specified log group does not exist. : exit status 1",
            stopped.StoppedReason);
        Assert.Null(stopped.Containers.Single().RuntimeId); // no container was created
    }

    [Fact]
    public async Task Options_Dockers_awslogs_driver_refuses_fail_the_task_start_in_its_words()
    {
        await using var h = await AgentHarness.StartAsync(output);
        h.Logs.AddGroup("/test/options");
        var task = TestTasks.Assignment("printer", "bridge",
            Printer("echo hi", "/test/options", more: new() { ["awslogs-multiline-pattern"] = "^x", ["awslogs-datetime-format"] = "%Y" }));

        var stopped = await h.RunUntilAsync(task, "STOPPED");

        Assert.Equal("TaskFailedToStart", stopped.StopCode);
        Assert.Equal("ResourceInitializationError: failed to validate logger args: you cannot configure log opt 'awslogs-datetime-format' and " +
            "'awslogs-multiline-pattern' at the same time : exit status 1", stopped.StoppedReason);
        Assert.Null(stopped.Containers.Single().RuntimeId);
    }

    [Fact]
    public async Task A_datetime_format_joins_the_lines_of_a_stack_trace_into_one_event()
    {
        await using var h = await AgentHarness.StartAsync(output);
        h.Logs.AddGroup("/test/multiline");
        var task = TestTasks.Assignment("printer", "bridge", Printer(
            // One stream: Docker reads stdout and stderr through separate pipes, so their order in its log is not the program's.
            "echo '2024-05-01 12:00:00 ERROR boom'; echo '    at A.run()'; echo '    at B.main()'; sleep 1; echo '2024-05-01 12:00:01 INFO ok'",
            "/test/multiline", more: new() { ["awslogs-datetime-format"] = "%Y-%m-%d %H:%M:%S" }));

        await h.RunUntilAsync(task, "STOPPED");

        Assert.Equal(["2024-05-01 12:00:00 ERROR boom\n    at A.run()\n    at B.main()\n", "2024-05-01 12:00:01 INFO ok\n"],
            await WaitForLinesAsync(h.Logs, "/test/multiline", StreamOf(task), 2, TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task An_unfinished_multiline_event_goes_out_after_the_force_flush_interval_while_the_container_runs()
    {
        await using var h = await AgentHarness.StartAsync(output);
        h.Logs.AddGroup("/test/flush");
        var task = TestTasks.Assignment("printer", "bridge", Printer("echo 'START one'; echo '  detail'; sleep 120", "/test/flush",
            more: new() { ["awslogs-multiline-pattern"] = "^START", ["awslogs-force-flush-interval-seconds"] = "1" }));

        await h.RunUntilAsync(task, "RUNNING");

        Assert.Equal(["START one\n  detail\n"], await WaitForLinesAsync(h.Logs, "/test/flush", StreamOf(task), 1, TimeSpan.FromSeconds(60)));
        Assert.Equal("RUNNING", h.Server.Reports.Last(r => r.TaskArn == task.Task.TaskArn).LastStatus); // not sent because the output ended
    }

    [Fact]
    public async Task Awslogs_create_group_creates_the_missing_group()
    {
        await using var h = await AgentHarness.StartAsync(output);
        var task = TestTasks.Assignment("printer", "bridge", Printer("echo hello; echo; echo world", "/test/created", createGroup: true));

        await h.RunUntilAsync(task, "STOPPED");

        Assert.True(h.Logs.HasGroup("/test/created"));
        Assert.Equal(["hello", " ", "world"], await WaitForLinesAsync(h.Logs, "/test/created", StreamOf(task), 3, TimeSpan.FromSeconds(30)));
    }

    private static Core.Agent.TaskAssignment WithExecutionRole(Core.Agent.TaskAssignment task, string accessKeyId) => task with
    {
        TaskDefinition = task.TaskDefinition with { ExecutionRoleArn = "arn:aws:iam::000000000000:role/exec" },
        ExecutionRoleCredentials = new Core.Agent.TaskRoleCredentials
        {
            RoleArn = "arn:aws:iam::000000000000:role/exec",
            AccessKeyId = accessKeyId,
            SecretAccessKey = "secret",
            Token = "token",
            Expiration = DateTimeOffset.UtcNow.AddHours(1),
        },
    };

    [Fact]
    public async Task A_tasks_awslogs_are_written_as_its_execution_role_and_a_task_without_one_as_the_agent()
    {
        await using var h = await AgentHarness.StartAsync(output);
        h.Logs.AddGroup("/test/execution");
        var withRole = WithExecutionRole(TestTasks.Assignment("printer", "bridge", Printer("echo one; echo two", "/test/execution")), "ASIAEXECUTION");
        var without = TestTasks.Assignment("printer", "bridge", Printer("echo three", "/test/execution"));

        await h.RunUntilAsync(withRole, "STOPPED");
        await h.RunUntilAsync(without, "STOPPED");

        Assert.Equal(["one", "two"], await WaitForLinesAsync(h.Logs, "/test/execution", StreamOf(withRole), 2, TimeSpan.FromSeconds(30)));
        Assert.Equal(["three"], await WaitForLinesAsync(h.Logs, "/test/execution", StreamOf(without), 1, TimeSpan.FromSeconds(30)));
        var calls = h.Logs.Calls;
        Assert.Contains(calls, c => c.Operation == "PutLogEvents" && c.Stream == StreamOf(withRole));
        Assert.All(calls.Where(c => c.Stream == StreamOf(withRole)), c => Assert.Equal("ASIAEXECUTION", c.AccessKeyId));
        Assert.All(calls.Where(c => c.Stream == StreamOf(without)), c => Assert.Null(c.AccessKeyId));
    }

    [Fact]
    public async Task An_execution_role_that_may_not_create_the_log_stream_fails_the_task_start_as_on_ECS()
    {
        await using var h = await AgentHarness.StartAsync(output);
        h.Logs.AddGroup("/test/denied");
        h.Logs.DeniedKey = "ASIADENIED";
        var task = WithExecutionRole(TestTasks.Assignment("printer", "bridge", Printer("echo never", "/test/denied")), "ASIADENIED");

        var stopped = await h.RunUntilAsync(task, "STOPPED");

        Assert.Equal("TaskFailedToStart", stopped.StopCode);
        Assert.Equal("ResourceInitializationError: failed to validate logger args: create stream has been retried 1 times: failed to create Cloudwatch " +
            "log stream: AccessDeniedException: User: arn:aws:sts::000000000000:assumed-role/exec/task is not authorized to perform: logs:CreateLogStream " +
            $"on resource: arn:aws:logs:us-east-1:000000000000:log-group:/test/denied:log-stream:{StreamOf(task)} : exit status 1", stopped.StoppedReason);
        Assert.Null(stopped.Containers.Single().RuntimeId);
        Assert.Empty(h.Logs.Messages("/test/denied", StreamOf(task)));
    }
}
