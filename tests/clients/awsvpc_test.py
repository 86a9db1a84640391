"""awsvpc with the aws CLI against `berth up`: own address per task, ENI in describe-tasks, localhost within a task."""
import json
import os
import subprocess
import time
import unittest
import urllib.request

from aws_cli import aws
from berth_server import AWSVPC_NETWORK, BerthServer, own_subnet_config, remove_agent_containers, wait_until


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


class LeftoverContainersTest(unittest.TestCase):
    """Containers of an earlier Berth (another data directory) still hold addresses on the subnet's Docker network."""

    def setUp(self):
        self.subnet, self.cidr, self.config = own_subnet_config("subnet-leftover")
        self.addCleanup(os.unlink, self.config)
        self.server = BerthServer(command="up", args=["--vpc-config", self.config])
        self.addCleanup(self.server.remove_awsvpc_leftovers, [self.subnet])
        self.addCleanup(self.server.close)
        self.earlier = f"{self.server.agent_namespace}-earlier"
        self.addCleanup(remove_agent_containers, self.earlier)
        self.prefix = self.cidr.rsplit(".", 1)[0]

    def docker(self, *args):
        return subprocess.run(["docker", *args], capture_output=True, text=True, check=True).stdout.strip()

    def test_addresses_held_on_the_docker_network_are_skipped_and_berth_up_names_the_leftovers(self):
        # As an earlier Berth leaves them: its subnet network, one of its awsvpc pause containers at the subnet's first
        # address, and a container Berth never made at the second.
        self.docker("network", "create", "--subnet", self.cidr, "--gateway", f"{self.prefix}.1",
                    "--label", f"org.berth.subnet={self.subnet}", f"berth-{self.subnet}")
        self.docker("run", "-d", "--network", f"berth-{self.subnet}", "--ip", f"{self.prefix}.4",
                    "--label", f"org.berth.agent={self.earlier}",
                    "--label", "com.amazonaws.ecs.task-arn=arn:aws:ecs:us-east-1:000000000000:task/default/0123456789abcdef",
                    "berth/pause")
        stranger = self.docker("run", "-d", "--network", f"berth-{self.subnet}", "--ip", f"{self.prefix}.5",
                               "--label", f"org.berth.agent={self.earlier}", "berth/sample-tools", "sleep", "600")
        self.server.start()
        ecs = self.server.ecs()
        self.server.wait_for_local_agent(ecs)
        with open(self.server.log.name) as log:
            output = log.read()
        self.assertIn(f"agent namespace {self.earlier}", output)
        self.assertIn(f"docker rm -f $(docker ps -aq --filter label=org.berth.agent={self.earlier})", output)
        # The agent's polls carry what the network holds; the first follows its registration at once.
        time.sleep(3)

        ecs.register_task_definition(family="leftover", networkMode="awsvpc", cpu="256", memory="512", containerDefinitions=[
            {"name": "web", "image": "berth/sample-web", "portMappings": [{"containerPort": 80}]}])
        arns = [t["taskArn"] for t in ecs.run_task(taskDefinition="leftover", count=2, networkConfiguration={
            "awsvpcConfiguration": {"subnets": [self.subnet], "securityGroups": ["sg-web"]}})["tasks"]]

        def settled():
            tasks = ecs.describe_tasks(tasks=arns)["tasks"]
            return tasks if all(t["lastStatus"] in ("RUNNING", "STOPPED") for t in tasks) else None
        tasks = wait_until(settled, 90, 0.5) or self.fail("the tasks did not settle within 90 s")
        self.assertEqual([t.get("stoppedReason") for t in tasks if t["lastStatus"] == "STOPPED"], [])
        addresses = {next(d["value"] for d in t["attachments"][0]["details"] if d["name"] == "privateIPv4Address") for t in tasks}
        self.assertEqual(len(addresses), 2)
        self.assertFalse(addresses & {f"{self.prefix}.4", f"{self.prefix}.5"}, addresses)
        self.assertTrue(json.loads(self.docker("inspect", "-f", "{{json .State.Running}}", stranger)), "the leftover is left alone")

        for arn in arns:
            ecs.stop_task(task=arn)
        ecs.get_waiter("tasks_stopped").wait(tasks=arns)


if __name__ == "__main__":
    unittest.main()
