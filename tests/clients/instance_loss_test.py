"""An agent that dies for good: its instance goes disconnected and its tasks are recorded STOPPED."""
import unittest

from aws_cli import aws
from berth_server import BerthServer, kill_process_group, wait_until


class InstanceLossTest(unittest.TestCase):
    def setUp(self):
        # Short liveness windows so the test need not wait the default minutes.
        self.server = BerthServer(command="server", args=["--agent-disconnect-seconds", "3", "--task-lost-seconds", "6"])
        self.server.start()
        self.agent = self.server.start_agent("loss")

    def tearDown(self):
        kill_process_group(self.agent)
        self.server.remove_containers()
        self.server.close()

    def aws(self, *args, **kwargs):
        return aws(self, self.server.endpoint, *args, **kwargs)

    def eventually(self, check, seconds, what):
        return wait_until(check, seconds, 0.5) or self.fail(f"{what} did not happen within {seconds} s")

    def test_tasks_of_a_dead_agent_are_recorded_lost(self):
        self.aws("ecs", "create-cluster", "--cluster-name", "loss")
        instance = self.eventually(
            lambda: self.aws("ecs", "list-container-instances", "--cluster", "loss")["containerInstanceArns"], 60, "registration")[0]
        self.aws("ecs", "register-task-definition", "--family", "sleeper", "--container-definitions",
                 '[{"name":"main","image":"berth/sample-tools","memory":16,"command":["sleep","600"]}]')
        arn = self.aws("ecs", "run-task", "--cluster", "loss", "--task-definition", "sleeper")["tasks"][0]["taskArn"]
        self.aws("ecs", "wait", "tasks-running", "--cluster", "loss", "--tasks", arn)

        kill_process_group(self.agent)

        def disconnected():
            described = self.aws("ecs", "describe-container-instances", "--cluster", "loss", "--container-instances", instance)
            return not described["containerInstances"][0]["agentConnected"]
        self.eventually(disconnected, 30, "agentConnected=false")
        self.aws("ecs", "wait", "tasks-stopped", "--cluster", "loss", "--tasks", arn)
        task = self.aws("ecs", "describe-tasks", "--cluster", "loss", "--tasks", arn)["tasks"][0]
        self.assertEqual(task["desiredStatus"], "STOPPED")
        self.assertIn("stopped responding", task["stoppedReason"])


if __name__ == "__main__":
    unittest.main()
