"""A server killed with kill -9 while a separate `berth agent` runs tasks: containers live on, state reconciles.

The agent is its own process (as on another machine), so it outlives the server. While the server is down one
task's container is killed with `docker kill`; the agent sees it exit but cannot report it. After the server
restarts on the same data directory, the agent's polls and queued reports reach it again: the untouched task is
still RUNNING in the same container, the killed one is STOPPED with the container's exit code, and the
restarted server can still stop tasks through the same agent.

A start on a port another process listens on (a `berth up` already running, most often) stops with one line.
"""
import json
import socket
import subprocess
import tempfile
import unittest

from aws_cli import aws
from berth_server import BERTH, BerthServer, kill_process_group, wait_until

CLUSTER = "restart"


def docker_state(container_id):
    result = subprocess.run(["docker", "inspect", "-f", "{{json .State}}", container_id], capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


def stopped_or_removed(container_id):
    """A STOPPED task's containers are removed as soon as the server no longer lists the task (its claim is gone)."""
    result = subprocess.run(["docker", "inspect", "-f", "{{json .State}}", container_id], capture_output=True, text=True)
    if result.returncode != 0:
        return "No such" in result.stderr
    return not json.loads(result.stdout)["Running"]


class StartOnATakenPortTest(unittest.TestCase):
    def test_a_port_another_process_listens_on_stops_the_start_with_one_line(self):
        with socket.socket() as taken, tempfile.TemporaryDirectory() as data:
            taken.bind(("127.0.0.1", 0))
            taken.listen()
            port = taken.getsockname()[1]
            result = subprocess.run([BERTH, "server", "--port", str(port), "--data-dir", data], capture_output=True, text=True, timeout=300)
        self.assertEqual(2, result.returncode, result.stderr)
        self.assertIn(f"berth server: --port (BERTH_PORT): 127.0.0.1:{port} is in use by another process", result.stderr.splitlines()[-1])
        self.assertNotIn("Exception", result.stderr + result.stdout)


class ServerKillWithSeparateAgentTest(unittest.TestCase):
    def setUp(self):
        self.server = BerthServer(command="server")
        self.addCleanup(self.server.close)
        self.server.start()
        self.agent = self.server.start_agent(CLUSTER)
        self.addCleanup(self.server.remove_containers)
        self.addCleanup(kill_process_group, self.agent)

    def aws(self, *args, **kwargs):
        return aws(self, self.server.endpoint, *args, **kwargs)

    def eventually(self, check, seconds, what):
        return wait_until(check, seconds, 0.5) or self.fail(f"{what} did not happen within {seconds} s")

    def describe(self, *arns):
        tasks = self.aws("ecs", "describe-tasks", "--cluster", CLUSTER, "--tasks", *arns)["tasks"]
        return {t["taskArn"]: t for t in tasks}

    def test_tasks_survive_a_server_kill_9_and_a_stop_meanwhile_is_reconciled(self):
        self.aws("ecs", "create-cluster", "--cluster-name", CLUSTER)
        instance = self.eventually(
            lambda: self.aws("ecs", "list-container-instances", "--cluster", CLUSTER)["containerInstanceArns"], 60, "registration")[0]
        self.aws("ecs", "register-task-definition", "--family", "sleeper", "--container-definitions",
                 '[{"name":"main","image":"berth/sample-tools","memory":16,"command":["sleep","600"]}]')
        arns = [t["taskArn"] for t in self.aws("ecs", "run-task", "--cluster", CLUSTER, "--task-definition", "sleeper",
                                               "--count", "2")["tasks"]]
        self.aws("ecs", "wait", "tasks-running", "--cluster", CLUSTER, "--tasks", *arns)
        before = self.describe(*arns)
        survivor, victim = arns
        survivor_id = before[survivor]["containers"][0]["runtimeId"]
        victim_id = before[victim]["containers"][0]["runtimeId"]
        survivor_started = docker_state(survivor_id)["StartedAt"]

        self.server.kill()
        subprocess.run(["docker", "kill", victim_id], check=True, capture_output=True)  # SIGKILL: exit code 137
        self.assertIsNone(self.agent.poll(), "the agent must outlive the server")
        self.server.start()

        def victim_stopped():
            task = self.describe(victim)[victim]
            return task if task["lastStatus"] == "STOPPED" else None
        stopped = self.eventually(victim_stopped, 90, "the killed task recorded STOPPED after the restart")
        self.assertEqual(stopped["containers"][0]["exitCode"], 137)
        self.assertEqual(stopped["containers"][0]["runtimeId"], victim_id)
        self.assertEqual(stopped["stopCode"], "EssentialContainerExited")
        self.assertEqual(stopped["stoppedReason"], "Essential container in task exited")

        after = self.describe(survivor)[survivor]
        self.assertEqual(after["lastStatus"], "RUNNING")
        self.assertEqual(after["containers"][0]["runtimeId"], survivor_id)
        state = docker_state(survivor_id)
        self.assertTrue(state["Running"])
        self.assertEqual(state["StartedAt"], survivor_started, "the survivor's container was adopted, not restarted")

        # Still one instance, the same one, connected again with the survivor as its only running task.
        self.assertEqual(self.aws("ecs", "list-container-instances", "--cluster", CLUSTER)["containerInstanceArns"], [instance])
        def reconnected():
            described = self.aws("ecs", "describe-container-instances", "--cluster", CLUSTER, "--container-instances", instance)
            found = described["containerInstances"][0]
            return found["agentConnected"] and found["runningTasksCount"] == 1
        self.eventually(reconnected, 30, "the instance connected with one running task")
        self.assertIsNone(self.agent.poll(), "the same agent process reconnected")

        # The restarted server drives the same agent: a StopTask reaches the surviving container.
        self.aws("ecs", "stop-task", "--cluster", CLUSTER, "--task", survivor, "--reason", "after the restart")
        self.aws("ecs", "wait", "tasks-stopped", "--cluster", CLUSTER, "--tasks", survivor)
        final = self.describe(survivor)[survivor]
        self.assertEqual(final["stoppedReason"], "after the restart")
        self.assertEqual(final["stopCode"], "UserInitiated")
        self.assertTrue(stopped_or_removed(survivor_id), "the surviving container stopped")


if __name__ == "__main__":
    unittest.main()
