"""RunTask to STOPPED with real containers: `berth up` (server and local agent) driven by the aws CLI."""
import json
import unittest
import urllib.request

from berth_test_case import BerthUpTestCase


class TasksTest(BerthUpTestCase):

    def wait_for_instance(self):
        return self.server.wait_for_local_agent(self.server.ecs())

    def register(self, family, containers):
        return self.aws("ecs", "register-task-definition", "--family", family,
                        "--container-definitions", json.dumps(containers))["taskDefinition"]

    def test_run_reach_and_stop_web_tasks(self):
        instance_arn = self.wait_for_instance()
        instance = self.aws("ecs", "describe-container-instances", "--cluster", "default",
                            "--container-instances", instance_arn)["containerInstances"][0]
        self.assertTrue(instance["agentConnected"])
        self.assertEqual(instance["status"], "ACTIVE")

        self.aws("ecs", "register-task-definition", "--cli-input-json", "file://examples/web.json")
        run = self.aws("ecs", "run-task", "--cluster", "default", "--task-definition", "web", "--count", "3")
        self.assertEqual(run["failures"], [])
        arns = [t["taskArn"] for t in run["tasks"]]
        self.assertEqual(len(arns), 3)

        self.aws("ecs", "wait", "tasks-running", "--cluster", "default", "--tasks", *arns)
        tasks = self.aws("ecs", "describe-tasks", "--cluster", "default", "--tasks", *arns)["tasks"]
        for task in tasks:
            binding = task["containers"][0]["networkBindings"][0]
            self.assertEqual(binding["containerPort"], 80)
            with urllib.request.urlopen(f"http://127.0.0.1:{binding['hostPort']}/health", timeout=5) as response:
                self.assertEqual(response.status, 200)

        self.aws("ecs", "stop-task", "--cluster", "default", "--task", arns[0], "--reason", "done")
        self.aws("ecs", "wait", "tasks-stopped", "--cluster", "default", "--tasks", arns[0])
        stopped = self.aws("ecs", "describe-tasks", "--cluster", "default", "--tasks", arns[0])["tasks"][0]
        self.assertEqual(stopped["lastStatus"], "STOPPED")
        self.assertEqual(stopped["stoppedReason"], "done")
        self.assertEqual(stopped["stopCode"], "UserInitiated")
        self.assertIsInstance(stopped["containers"][0]["exitCode"], int)

        for arn in arns[1:]:
            self.aws("ecs", "stop-task", "--cluster", "default", "--task", arn)
        self.aws("ecs", "wait", "tasks-stopped", "--cluster", "default", "--tasks", *arns[1:])

    def test_a_retried_run_task_with_its_client_token_starts_no_more_tasks(self):
        self.wait_for_instance()
        ecs = self.server.ecs()
        self.aws("ecs", "register-task-definition", "--cli-input-json", "file://examples/web.json")
        first = ecs.run_task(cluster="default", taskDefinition="web", count=2, clientToken="retry-after-timeout")
        again = ecs.run_task(cluster="default", taskDefinition="web", count=2, clientToken="retry-after-timeout")
        arns = [t["taskArn"] for t in first["tasks"]]
        self.assertEqual([t["taskArn"] for t in again["tasks"]], arns)
        self.assertEqual(sorted(ecs.list_tasks(cluster="default")["taskArns"]), sorted(arns))

        # botocore raises the modeled error, with the tasks the token holds.
        with self.assertRaises(ecs.exceptions.ConflictException) as refused:
            ecs.run_task(cluster="default", taskDefinition="web", count=1, clientToken="retry-after-timeout")
        self.assertEqual(refused.exception.response["resourceIds"], arns)
        for arn in arns:
            ecs.stop_task(cluster="default", task=arn)

    def test_essential_container_exit_stops_the_task(self):
        self.wait_for_instance()
        self.register("exits", [{"name": "main", "image": "berth/sample-tools", "memory": 16,
                                 "command": ["sh", "-c", "exit 3"]}])
        arn = self.aws("ecs", "run-task", "--task-definition", "exits")["tasks"][0]["taskArn"]
        self.aws("ecs", "wait", "tasks-stopped", "--tasks", arn)
        task = self.aws("ecs", "describe-tasks", "--tasks", arn)["tasks"][0]
        self.assertEqual(task["stopCode"], "EssentialContainerExited")
        self.assertEqual(task["stoppedReason"], "Essential container in task exited")
        self.assertEqual(task["containers"][0]["exitCode"], 3)

    def test_missing_image_fails_with_cannot_pull(self):
        self.wait_for_instance()
        self.register("no-image", [{"name": "main", "image": "berth/does-not-exist:1", "memory": 16}])
        arn = self.aws("ecs", "run-task", "--task-definition", "no-image")["tasks"][0]["taskArn"]
        self.aws("ecs", "wait", "tasks-stopped", "--tasks", arn)
        task = self.aws("ecs", "describe-tasks", "--tasks", arn)["tasks"][0]
        self.assertEqual(task["stopCode"], "TaskFailedToStart")
        self.assertTrue(task["stoppedReason"].startswith("CannotPullContainerError"), task["stoppedReason"])

    def test_more_memory_than_the_machine_has_is_a_placement_failure(self):
        self.wait_for_instance()
        self.register("huge", [{"name": "main", "image": "berth/sample-tools", "memory": 10_000_000}])
        run = self.aws("ecs", "run-task", "--task-definition", "huge")
        self.assertEqual(run["tasks"], [])
        self.assertEqual(run["failures"][0]["reason"], "RESOURCE:MEMORY")

    def test_draining_instance_gets_no_new_tasks(self):
        instance = self.wait_for_instance()
        self.register("drain-probe", [{"name": "main", "image": "berth/sample-tools", "memory": 16,
                                       "command": ["sleep", "300"]}])
        try:
            state = self.aws("ecs", "update-container-instances-state", "--container-instances", instance,
                             "--status", "DRAINING")
            self.assertEqual(state["containerInstances"][0]["status"], "DRAINING")
            run = self.aws("ecs", "run-task", "--task-definition", "drain-probe")
            self.assertEqual(run["tasks"], [])
            self.assertEqual(len(run["failures"]), 1)
        finally:
            self.aws("ecs", "update-container-instances-state", "--container-instances", instance, "--status", "ACTIVE")

    def test_tasks_keep_running_through_a_kill_9_of_berth(self):
        self.wait_for_instance()
        self.aws("ecs", "register-task-definition", "--cli-input-json", "file://examples/web.json")
        arn = self.aws("ecs", "run-task", "--task-definition", "web")["tasks"][0]["taskArn"]
        self.aws("ecs", "wait", "tasks-running", "--tasks", arn)
        before = self.aws("ecs", "describe-tasks", "--tasks", arn)["tasks"][0]["containers"][0]

        self.server.kill()  # server and local agent die together; the container must not
        self.server.start()

        after = self.aws("ecs", "describe-tasks", "--tasks", arn)["tasks"][0]
        self.assertEqual(after["lastStatus"], "RUNNING")
        self.assertEqual(after["containers"][0]["runtimeId"], before["runtimeId"])  # adopted, not restarted
        port = after["containers"][0]["networkBindings"][0]["hostPort"]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=5) as response:
            self.assertEqual(response.status, 200)
        self.aws("ecs", "stop-task", "--task", arn)
        self.aws("ecs", "wait", "tasks-stopped", "--tasks", arn)


if __name__ == "__main__":
    unittest.main()
