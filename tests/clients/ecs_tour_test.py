"""The README's tour, driven through the real aws CLI against a real Berth server."""
import unittest

from aws_cli import aws
from berth_server import BerthServer


class EcsTourTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = BerthServer()
        cls.server.start()

    @classmethod
    def tearDownClass(cls):
        cls.server.close()

    def aws(self, *args, expect_error=None):
        return aws(self, self.server.endpoint, *args, expect_error=expect_error)

    def test_tour_from_the_readme(self):
        cluster = self.aws("ecs", "create-cluster", "--cluster-name", "demo")["cluster"]
        self.assertEqual(cluster["clusterArn"], "arn:aws:ecs:us-east-1:000000000000:cluster/demo")
        self.assertEqual(cluster["status"], "ACTIVE")

        first = self.aws("ecs", "register-task-definition", "--cli-input-json", "file://examples/web.json")
        second = self.aws("ecs", "register-task-definition", "--cli-input-json", "file://examples/web.json")
        self.assertEqual(first["taskDefinition"]["revision"], 1)
        self.assertEqual(second["taskDefinition"]["taskDefinitionArn"],
                         "arn:aws:ecs:us-east-1:000000000000:task-definition/web:2")
        self.assertEqual(second["tags"], [{"key": "team", "value": "platform"}])

        listed = self.aws("ecs", "list-task-definitions", "--family-prefix", "web")
        self.assertEqual([a.rsplit("/", 1)[1] for a in listed["taskDefinitionArns"]], ["web:1", "web:2"])

        described = self.aws("ecs", "describe-task-definition", "--task-definition", "web:2")["taskDefinition"]
        container = described["containerDefinitions"][0]
        self.assertEqual(container["image"], "berth/sample-web:latest")
        self.assertEqual(container["portMappings"], [{"containerPort": 80, "hostPort": 0, "protocol": "tcp"}])
        self.assertEqual(described["compatibilities"], ["EXTERNAL", "EC2"])
        self.assertIsInstance(described["registeredAt"], (int, float))

        deregistered = self.aws("ecs", "deregister-task-definition", "--task-definition", "web:1")
        self.assertEqual(deregistered["taskDefinition"]["status"], "INACTIVE")
        latest = self.aws("ecs", "describe-task-definition", "--task-definition", "web")["taskDefinition"]
        self.assertEqual(latest["revision"], 2)

        deleted = self.aws("ecs", "delete-cluster", "--cluster", "demo")["cluster"]
        self.assertEqual(deleted["status"], "INACTIVE")
        self.assertNotIn(cluster["clusterArn"], self.aws("ecs", "list-clusters")["clusterArns"])

    def test_errors_carry_ecs_types(self):
        self.aws("ecs", "describe-task-definition", "--task-definition", "missing:1", expect_error="ClientException")
        self.aws("ecs", "delete-cluster", "--cluster", "never-made", expect_error="ClusterNotFoundException")
        self.aws("ecs", "create-cluster", "--cluster-name", "bad name!", expect_error="InvalidParameterException")

    def test_cli_paginates_list_clusters(self):
        for name in ("page-a", "page-b", "page-c"):
            self.aws("ecs", "create-cluster", "--cluster-name", name)
        # --page-size makes the CLI follow nextToken itself; every cluster must come back exactly once.
        arns = self.aws("ecs", "list-clusters", "--page-size", "1")["clusterArns"]
        names = sorted(a.rsplit("/", 1)[1] for a in arns if "/page-" in a)
        self.assertEqual(names, ["page-a", "page-b", "page-c"])

    def test_state_survives_kill_9(self):
        self.aws("ecs", "create-cluster", "--cluster-name", "durable")
        self.aws("ecs", "register-task-definition", "--family", "durable",
                 "--container-definitions", '[{"name":"app","image":"berth/sample-web","memory":32}]')
        self.server.kill()
        self.server.start()
        clusters = self.aws("ecs", "describe-clusters", "--clusters", "durable")["clusters"]
        self.assertEqual(clusters[0]["status"], "ACTIVE")
        revision = self.aws("ecs", "describe-task-definition", "--task-definition", "durable")["taskDefinition"]
        self.assertEqual(revision["revision"], 1)


if __name__ == "__main__":
    unittest.main()
