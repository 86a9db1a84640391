"""ECS Exec: RunTask with enableExecuteCommand, managedAgents in DescribeTasks, ExecuteCommand's session, and
`berth exec` running commands in the task's container through the server's relay and the local agent."""
import os
import subprocess

from berth_server import ROOT, wait_until
from berth_test_case import BerthUpTestCase


class ExecTest(BerthUpTestCase):

    def berth_exec(self, task_arn, *command):
        """`berth exec` with pipes (no TTY), as a script would run it: (exit code, stdout, stderr)."""
        result = subprocess.run(
            [os.path.join(ROOT, "berth"), "exec", "--endpoint-url", self.server.endpoint, "--task", task_arn, "--", *command],
            stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60,
            env=dict(os.environ, AWS_ACCESS_KEY_ID="", AWS_SECRET_ACCESS_KEY=""))
        return result.returncode, result.stdout, result.stderr

    def test_exec_runs_commands_in_a_task_started_with_execute_command(self):
        ecs = self.server.ecs()
        self.server.wait_for_local_agent(ecs)
        ecs.register_task_definition(family="exec", containerDefinitions=[
            {"name": "web", "image": "berth/sample-web:latest", "memory": 32, "essential": True}])
        task_arn = ecs.run_task(cluster="default", taskDefinition="exec", enableExecuteCommand=True)["tasks"][0]["taskArn"]
        plain_arn = ecs.run_task(cluster="default", taskDefinition="exec")["tasks"][0]["taskArn"]
        ecs.get_waiter("tasks_running").wait(cluster="default", tasks=[task_arn, plain_arn], WaiterConfig={"Delay": 1})

        task = ecs.describe_tasks(cluster="default", tasks=[task_arn])["tasks"][0]
        self.assertTrue(task["enableExecuteCommand"])
        agent = task["containers"][0]["managedAgents"][0]
        self.assertEqual((agent["name"], agent["lastStatus"]), ("ExecuteCommandAgent", "RUNNING"))

        answer = ecs.execute_command(cluster="default", task=task_arn, command="sh", interactive=True)
        self.assertEqual(answer["containerName"], "web")
        self.assertTrue(answer["interactive"])
        self.assertTrue(answer["session"]["streamUrl"].startswith(f"ws://127.0.0.1:{self.server.port}/_berth/exec/v1/"))
        self.assertTrue(answer["session"]["tokenValue"])

        code, out, err = self.berth_exec(task_arn, "sh", "-c", "echo $((6*7))")
        self.assertEqual((code, out), (0, "42\n"), err)
        code, _, err = self.berth_exec(task_arn, "sh", "-c", "echo oops >&2; exit 3")
        self.assertEqual((code, err), (3, "oops\n"))

        # boto3, not the aws CLI: the CLI stops at "SessionManagerPlugin is not found" before it calls ExecuteCommand.
        with self.assertRaises(ecs.exceptions.InvalidParameterException) as refused:
            ecs.execute_command(cluster="default", task=plain_arn, command="sh", interactive=True)
        self.assertIn("execute command was not enabled when the task was run", str(refused.exception))
        code, _, err = self.berth_exec(plain_arn, "true")
        self.assertEqual(code, 1)
        self.assertIn("execute command was not enabled", err)

        for arn in (task_arn, plain_arn):
            ecs.stop_task(cluster="default", task=arn)
        stopped = wait_until(lambda: all(t["lastStatus"] == "STOPPED" for t in ecs.describe_tasks(
            cluster="default", tasks=[task_arn, plain_arn])["tasks"]), 60)
        self.assertTrue(stopped)
        agent = ecs.describe_tasks(cluster="default", tasks=[task_arn])["tasks"][0]["containers"][0]["managedAgents"][0]
        self.assertEqual(agent["lastStatus"], "STOPPED")
