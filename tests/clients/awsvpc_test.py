"""awsvpc with the aws CLI against `berth up`: own address per task, ENI in describe-tasks, localhost within a task."""
import json
import os
import time
import unittest
import urllib.request

from aws_cli import aws
from berth_server import AWSVPC_NETWORK, BerthServer, own_subnet_config


class AwsvpcTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.subnet, cls.cidr, cls.config = own_subnet_config("subnet-client")
        cls.server = BerthServer(command="up", args=["--vpc-config", cls.config])
        cls.server.start()

    @classmethod
    def tearDownClass(cls):
        cls.server.close()
        cls.server.remove_awsvpc_leftovers([cls.subnet])
        os.unlink(cls.config)

    def aws(self, *args, **kwargs):
        return aws(self, self.server.endpoint, *args, **kwargs)

    def wait_for_instance(self):
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                if self.aws("ecs", "list-container-instances")["containerInstanceArns"]:
                    return
            except AssertionError:
                pass  # the agent creates the default cluster first
            time.sleep(0.5)
        self.fail("the local agent did not register within 60 s")

    def test_tasks_get_their_own_address_and_share_it_between_containers(self):
        self.wait_for_instance()
        probe = "for i in $(seq 1 20); do printf 'GET /health HTTP/1.0\\r\\n\\r\\n' | nc -w 2 127.0.0.1 80 | grep -q '^ok' && exit 0; sleep 0.5; done; exit 1"
        self.aws("ecs", "register-task-definition", "--family", "web-vpc", "--network-mode", "awsvpc",
                 "--cpu", "256", "--memory", "512", "--container-definitions", json.dumps([
                     {"name": "web", "image": "berth/sample-web", "portMappings": [{"containerPort": 80}]},
                     {"name": "probe", "image": "berth/sample-tools", "essential": False, "command": ["sh", "-c", probe]}]))

        self.aws("ecs", "run-task", "--task-definition", "web-vpc", expect_error="InvalidParameterException")
        run = self.aws("ecs", "run-task", "--task-definition", "web-vpc", "--count", "2",
                       "--network-configuration", AWSVPC_NETWORK.format(subnet=self.subnet))
        arns = [t["taskArn"] for t in run["tasks"]]
        deadline = time.time() + 60
        while True:
            tasks = self.aws("ecs", "describe-tasks", "--tasks", *arns)["tasks"]
            stopped = [t.get("stoppedReason") for t in tasks if t["lastStatus"] == "STOPPED"]
            self.assertEqual(stopped, [], "a task stopped instead of running")
            if all(t["lastStatus"] == "RUNNING" for t in tasks):
                break
            self.assertLess(time.time(), deadline, "the tasks did not run within 60 s")
            time.sleep(0.5)

        addresses = set()
        for task in self.aws("ecs", "describe-tasks", "--tasks", *arns)["tasks"]:
            eni = task["attachments"][0]
            self.assertEqual(eni["type"], "ElasticNetworkInterface")
            details = {d["name"]: d["value"] for d in eni["details"]}
            self.assertEqual(details["subnetId"], self.subnet)
            address = details["privateIPv4Address"]
            self.assertTrue(address.startswith(self.cidr.rsplit(".", 2)[0] + "."), address)
            for container in task["containers"]:
                self.assertEqual(container["networkInterfaces"], [{"attachmentId": eni["id"], "privateIpv4Address": address}])
            with urllib.request.urlopen(f"http://{address}:80/health", timeout=5) as response:
                self.assertEqual(response.status, 200)
            addresses.add(address)
        self.assertEqual(len(addresses), 2)

        deadline = time.time() + 30
        while time.time() < deadline:
            tasks = self.aws("ecs", "describe-tasks", "--tasks", *arns)["tasks"]
            probes = [c for t in tasks for c in t["containers"] if c["name"] == "probe"]
            if all(c["lastStatus"] == "STOPPED" for c in probes):
                self.assertEqual([c.get("exitCode") for c in probes], [0, 0])
                break
            time.sleep(0.5)
        else:
            self.fail("the probes did not finish within 30 s")

        for arn in arns:
            self.aws("ecs", "stop-task", "--task", arn)
        self.aws("ecs", "wait", "tasks-stopped", "--tasks", *arns)


if __name__ == "__main__":
    unittest.main()
