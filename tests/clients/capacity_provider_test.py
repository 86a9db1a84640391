"""A capacity provider for a group of agents, with the aws CLI against `berth up` and a second agent in the group."""
import json
import unittest

from berth_server import kill_process_group, remove_agent_containers, wait_until
from berth_test_case import BerthUpTestCase

GROUP = "web-group"


class CapacityProviderTest(BerthUpTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Its own namespace: two agents on one Docker engine must not take each other's containers for their own.
        cls.grouped_namespace = f"{cls.server.agent_namespace}-grouped"
        cls.agent = cls.server.start_agent("default", name="grouped", agent_namespace=cls.grouped_namespace,
                                           args=["--auto-scaling-group", GROUP])
        cls.addClassCleanup(remove_agent_containers, cls.grouped_namespace)
        cls.addClassCleanup(kill_process_group, cls.agent)

    def grouped_instances(self):
        try:
            return self.aws("ecs", "list-container-instances", "--cluster", "default",
                            "--filter", f"attribute:berth.auto-scaling-group == {GROUP}")["containerInstanceArns"]
        except AssertionError:  # the cluster appears when the first agent registers
            return []

    def test_run_task_with_the_providers_strategy_lands_on_the_groups_instance(self):
        grouped = wait_until(self.grouped_instances, 60, interval=0.5)
        self.assertEqual(len(grouped or []), 1, "the grouped agent did not register within 60 s")
        everyone = self.aws("ecs", "list-container-instances", "--cluster", "default")["containerInstanceArns"]
        self.assertGreater(len(everyone), 1, "berth up's own agent is the instance outside the group")

        created = self.aws("ecs", "create-capacity-provider", "--name", "web-asg",
                           "--auto-scaling-group-provider", f"autoScalingGroupArn={GROUP}")["capacityProvider"]
        self.assertEqual(created["status"], "ACTIVE")
        self.assertEqual(created["autoScalingGroupProvider"]["managedScaling"]["status"], "DISABLED")
        self.addCleanup(self.aws, "ecs", "delete-capacity-provider", "--capacity-provider", "web-asg")
        self.aws("ecs", "put-cluster-capacity-providers", "--cluster", "default", "--capacity-providers", "web-asg",
                 "--default-capacity-provider-strategy", "capacityProvider=web-asg,weight=1")
        self.addCleanup(self.aws, "ecs", "put-cluster-capacity-providers", "--cluster", "default",
                        "--capacity-providers", "[]", "--default-capacity-provider-strategy", "[]")
        names = [p["name"] for p in self.aws("ecs", "describe-capacity-providers")["capacityProviders"]]
        self.assertEqual(names, ["FARGATE", "FARGATE_SPOT", "web-asg"])
        self.aws("ecs", "register-task-definition", "--family", "grouped-web", "--container-definitions", json.dumps(
            [{"name": "web", "image": "berth/sample-web", "memory": 64, "portMappings": [{"containerPort": 80, "hostPort": 0}]}]))

        run = self.aws("ecs", "run-task", "--cluster", "default", "--task-definition", "grouped-web", "--count", "3",
                       "--capacity-provider-strategy", "capacityProvider=web-asg,weight=1")

        self.assertEqual(run["failures"], [])
        arns = [t["taskArn"] for t in run["tasks"]]
        self.addCleanup(self.aws, "ecs", "wait", "tasks-stopped", "--cluster", "default", "--tasks", *arns)
        for arn in arns:
            self.addCleanup(self.aws, "ecs", "stop-task", "--cluster", "default", "--task", arn)
        self.aws("ecs", "wait", "tasks-running", "--cluster", "default", "--tasks", *arns)
        tasks = self.aws("ecs", "describe-tasks", "--cluster", "default", "--tasks", *arns)["tasks"]
        self.assertEqual({t["containerInstanceArn"] for t in tasks}, set(grouped))
        self.assertEqual({t["capacityProviderName"] for t in tasks}, {"web-asg"})
        self.assertEqual({t["launchType"] for t in tasks}, {"EC2"})

        # While its tasks run the provider stays on the cluster, and deleting it only reports why it cannot be.
        self.aws("ecs", "put-cluster-capacity-providers", "--cluster", "default", "--capacity-providers", "[]",
                 "--default-capacity-provider-strategy", "[]", expect_error="ResourceInUseException")
        refused = self.aws("ecs", "delete-capacity-provider", "--capacity-provider", "web-asg")["capacityProvider"]
        self.assertEqual((refused["status"], refused["updateStatus"]), ("ACTIVE", "DELETE_FAILED"))

    def test_managed_scaling_deletion_and_the_agent_side_operations_through_the_cli(self):
        grouped = wait_until(self.grouped_instances, 60, interval=0.5)
        self.assertEqual(len(grouped or []), 1, "the grouped agent did not register within 60 s")
        # Managed scaling is accepted with ECS's defaults; Berth reports it, it does not launch machines.
        created = self.aws("ecs", "create-capacity-provider", "--name", "scaled-asg", "--auto-scaling-group-provider",
                           "autoScalingGroupArn=scaled-group,managedScaling={status=ENABLED},managedTerminationProtection=ENABLED")
        scaling = created["capacityProvider"]["autoScalingGroupProvider"]["managedScaling"]
        self.assertEqual((scaling["status"], scaling["targetCapacity"], scaling["instanceWarmupPeriod"]), ("ENABLED", 100, 300))
        deleting = self.aws("ecs", "delete-capacity-provider", "--capacity-provider", "scaled-asg")["capacityProvider"]
        self.assertEqual((deleting["status"], deleting["updateStatus"]), ("ACTIVE", "DELETE_IN_PROGRESS"))
        deleted = wait_until(lambda: [p for p in self.aws("ecs", "describe-capacity-providers", "--capacity-providers", "scaled-asg")
                                      ["capacityProviders"] if p["status"] == "INACTIVE"], 30, interval=0.5)
        self.assertEqual(deleted[0]["updateStatus"], "DELETE_COMPLETE")

        endpoints = self.aws("ecs", "discover-poll-endpoint", "--cluster", "default")
        self.assertEqual(endpoints["endpoint"], self.server.endpoint.rstrip("/"))
        self.aws("ecs", "update-container-agent", "--cluster", "default", "--container-instance", grouped[0],
                 expect_error="NoUpdateAvailableException")
        self.aws("ecs", "list-services-by-namespace", "--namespace", "nowhere", expect_error="NamespaceNotFoundException")


if __name__ == "__main__":
    unittest.main()
