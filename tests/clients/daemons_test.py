"""The ECS Daemon API with the aws CLI against `berth up`: a daemon on the capacity provider of a second agent's group
runs one real container there, is redeployed to a new revision, restarts its stopped task and is deleted. The
operations go through the CLI; the waits poll with boto3, which starts no process per look."""
import json
import unittest

from berth_server import kill_process_group, remove_agent_containers, wait_until
from berth_test_case import BerthUpTestCase

GROUP = "daemon-group"
PROVIDER = "daemon-asg"


def containers(env):
    return json.dumps([{"name": "agent", "image": "berth/sample-tools", "memory": 32,
                        "command": ["sleep", "3600"], "environment": [{"name": "REVISION", "value": env}]}])


class DaemonsTest(BerthUpTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Its own namespace: two agents on one Docker engine must not take each other's containers for their own.
        cls.grouped_namespace = f"{cls.server.agent_namespace}-daemons"
        cls.agent = cls.server.start_agent("default", name="daemons", agent_namespace=cls.grouped_namespace,
                                           args=["--auto-scaling-group", GROUP])
        cls.addClassCleanup(remove_agent_containers, cls.grouped_namespace)
        cls.addClassCleanup(kill_process_group, cls.agent)
        cls.ecs = cls.server.ecs()

    def grouped_instances(self):
        try:
            return self.ecs.list_container_instances(
                cluster="default", filter=f"attribute:berth.auto-scaling-group == {GROUP}")["containerInstanceArns"]
        except self.ecs.exceptions.ClusterNotFoundException:  # the cluster appears when the first agent registers
            return []

    def running_tasks(self, revision_arn):
        arns = self.ecs.list_tasks(cluster="default", startedBy=revision_arn, desiredStatus="RUNNING")["taskArns"]
        if not arns:
            return []
        return [t for t in self.ecs.describe_tasks(cluster="default", tasks=arns)["tasks"] if t["lastStatus"] == "RUNNING"]

    def deployment(self, arn):
        return self.ecs.describe_daemon_deployments(daemonDeploymentArns=[arn])["daemonDeployments"][0]

    def test_a_daemon_runs_on_its_providers_instance_is_redeployed_restarted_and_deleted(self):
        grouped = wait_until(self.grouped_instances, 60, interval=0.5)
        self.assertEqual(len(grouped or []), 1, "the grouped agent did not register within 60 s")
        self.aws("ecs", "create-capacity-provider", "--name", PROVIDER,
                 "--auto-scaling-group-provider", f"autoScalingGroupArn={GROUP}")
        self.aws("ecs", "put-cluster-capacity-providers", "--cluster", "default", "--capacity-providers", PROVIDER,
                 "--default-capacity-provider-strategy", "[]")
        provider_arn = self.aws("ecs", "describe-capacity-providers", "--capacity-providers", PROVIDER)["capacityProviders"][0]["capacityProviderArn"]
        first = self.aws("ecs", "register-daemon-task-definition", "--family", "node-agent",
                         "--container-definitions", containers("1"))["daemonTaskDefinitionArn"]
        self.assertTrue(first.endswith(":daemon-task-definition/node-agent:1"), first)
        described = self.aws("ecs", "describe-daemon-task-definition", "--daemon-task-definition", "node-agent")["daemonTaskDefinition"]
        self.assertEqual((described["revision"], described["status"], described["containerDefinitions"][0]["image"]),
                         (1, "ACTIVE", "berth/sample-tools"))

        created = self.aws("ecs", "create-daemon", "--daemon-name", "node-agent", "--cluster-arn", "default",
                           "--daemon-task-definition-arn", first, "--capacity-provider-arns", provider_arn,
                           "--deployment-configuration", "drainPercent=100", "--client-token", "create-node-agent")
        daemon_arn = created["daemonArn"]
        self.assertTrue(daemon_arn.endswith(":daemon/default/node-agent"), daemon_arn)
        self.assertEqual(created["status"], "ACTIVE")
        again = self.aws("ecs", "create-daemon", "--daemon-name", "node-agent", "--cluster-arn", "default",
                         "--daemon-task-definition-arn", first, "--capacity-provider-arns", provider_arn, "--client-token", "create-node-agent")
        self.assertEqual(again["deploymentArn"], created["deploymentArn"], "a retry with the same clientToken is the same call")
        self.aws("ecs", "create-daemon", "--daemon-name", "node-agent", "--cluster-arn", "default",
                 "--daemon-task-definition-arn", first, "--capacity-provider-arns", provider_arn, expect_error="InvalidParameterException")

        revision1 = self.deployment(created["deploymentArn"])["targetDaemonRevision"]["arn"]
        tasks = wait_until(lambda: self.running_tasks(revision1), 60, interval=0.5)
        self.assertEqual(len(tasks or []), 1, "the daemon task did not run on the group's instance within 60 s")
        task = tasks[0]
        self.assertEqual((task["containerInstanceArn"], task["group"], task["capacityProviderName"], task["taskDefinitionArn"]),
                         (grouped[0], "daemon:node-agent", PROVIDER, first))
        done = wait_until(lambda: self.deployment(created["deploymentArn"])["status"] == "SUCCESSFUL", 30, interval=0.5)
        self.assertTrue(done, self.deployment(created["deploymentArn"]))
        detail = self.aws("ecs", "describe-daemon", "--daemon-arn", daemon_arn)["daemon"]
        self.assertEqual(detail["currentRevisions"], [{"arn": revision1, "totalRunningCount": 1,
                                                       "capacityProviders": [{"arn": provider_arn, "runningCount": 1}]}])

        # A new revision is deployed: the old task stops, the new one runs in its place.
        second = self.aws("ecs", "register-daemon-task-definition", "--family", "node-agent",
                          "--container-definitions", containers("2"))["daemonTaskDefinitionArn"]
        updated = self.aws("ecs", "update-daemon", "--daemon-arn", daemon_arn, "--daemon-task-definition-arn", second,
                           "--capacity-provider-arns", provider_arn)
        deployment = self.deployment(updated["deploymentArn"])
        revision2 = deployment["targetDaemonRevision"]["arn"]
        self.assertEqual([s["arn"] for s in deployment["sourceDaemonRevisions"]], [revision1])
        replaced = wait_until(lambda: self.running_tasks(revision2), 60, interval=0.5)
        self.assertEqual(len(replaced or []), 1, "the new revision's task did not run within 60 s")
        self.assertEqual(self.running_tasks(revision1), [])
        done = wait_until(lambda: self.deployment(updated["deploymentArn"])["status"] == "SUCCESSFUL", 30, interval=0.5)
        self.assertTrue(done, self.deployment(updated["deploymentArn"]))
        listed = self.aws("ecs", "list-daemon-deployments", "--daemon-arn", daemon_arn)["daemonDeployments"]
        self.assertEqual([d["daemonDeploymentArn"] for d in listed], [updated["deploymentArn"], created["deploymentArn"]])
        only_one = self.aws("ecs", "list-daemon-deployments", "--daemon-arn", daemon_arn, "--max-results", "1")
        self.assertEqual(len(only_one["daemonDeployments"]), 1)
        self.assertIn("nextToken", only_one)
        revisions = self.aws("ecs", "describe-daemon-revisions", "--daemon-revision-arns", revision2, daemon_arn + "/nope")
        self.assertEqual(revisions["daemonRevisions"][0]["daemonTaskDefinitionArn"], second)
        self.assertEqual(revisions["failures"][0]["reason"], "MISSING")

        # A stopped daemon task is started again.
        self.aws("ecs", "stop-task", "--cluster", "default", "--task", replaced[0]["taskArn"])
        restarted = wait_until(lambda: [t for t in self.running_tasks(revision2) if t["taskArn"] != replaced[0]["taskArn"]], 60, interval=0.5)
        self.assertEqual(len(restarted or []), 1, "the stopped daemon task was not replaced within 60 s")

        # A deleted daemon task definition starts no new daemon; refusals name the model's errors.
        self.aws("ecs", "delete-daemon-task-definition", "--daemon-task-definition", "node-agent:1")
        self.aws("ecs", "delete-daemon-task-definition", "--daemon-task-definition", "node-agent:1", expect_error="ClientException")
        self.aws("ecs", "create-daemon", "--daemon-name", "other", "--cluster-arn", "default", "--daemon-task-definition-arn", first,
                 "--capacity-provider-arns", provider_arn, expect_error="ClientException")
        self.aws("ecs", "create-daemon", "--daemon-name", "other", "--cluster-arn", "default", "--daemon-task-definition-arn", second,
                 "--capacity-provider-arns", "FARGATE", expect_error="InvalidParameterException")
        self.aws("ecs", "describe-daemon", "--daemon-arn", daemon_arn + "-nope", expect_error="DaemonNotFoundException")

        # Deleting stops the daemon's task; the daemon is gone once it has stopped.
        deleted = self.aws("ecs", "delete-daemon", "--daemon-arn", daemon_arn)
        self.assertEqual(deleted["status"], "DELETE_IN_PROGRESS")
        self.aws("ecs", "update-daemon", "--daemon-arn", daemon_arn, "--daemon-task-definition-arn", second,
                 "--capacity-provider-arns", provider_arn, expect_error="DaemonNotActiveException")
        gone = wait_until(lambda: self.ecs.list_daemons(clusterArn="default")["daemonSummariesList"] == [], 60, interval=0.5)
        self.assertTrue(gone, "the daemon was not deleted within 60 s")
        self.assertEqual(self.running_tasks(revision2), [])
        self.aws("ecs", "put-cluster-capacity-providers", "--cluster", "default", "--capacity-providers", "[]",
                 "--default-capacity-provider-strategy", "[]")
        self.aws("ecs", "delete-capacity-provider", "--capacity-provider", PROVIDER)


if __name__ == "__main__":
    unittest.main()
