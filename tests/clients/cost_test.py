"""Cost Explorer on real Fargate tasks: two short tasks of a tagged task definition (propagateTags) run a few
seconds on `berth up`'s managed pool, then boto3's ce.get_cost_and_usage and `aws ce get-cost-and-usage` read their
usage, grouped by SERVICE and by TAG, `berth cost` prints the same service and /metrics counts its vCPU-seconds and
GB-seconds. Short: the tasks run ~5 s. On the same server, `berth cleanup` finds a deregistered task definition
revision and `--apply` deletes it, and names a container of a task the server does not know, which the agent reports
with its next poll.
"""
import datetime
import json
import math
import os
import re
import subprocess
import unittest
import urllib.request

from aws_cli import aws
from berth_server import AWSVPC_NETWORK, ROOT, BerthServer, own_subnet_config, wait_until


class CostTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.subnet, _, config = own_subnet_config("subnet-cost")
        cls.server = BerthServer(command="up", args=["--vpc-config", config])
        cls.addClassCleanup(os.unlink, config)
        cls.addClassCleanup(cls.server.remove_awsvpc_leftovers, [cls.subnet])
        cls.addClassCleanup(cls.server.close)
        cls.server.start()

    def aws(self, *args, **kwargs):
        return aws(self, self.server.endpoint, *args, **kwargs)

    def berth(self, *args):
        done = subprocess.run([os.path.join(ROOT, "berth"), *args, "--endpoint-url", self.server.endpoint],
                              capture_output=True, text=True, timeout=300)
        self.assertEqual(done.returncode, 0, done.stderr + done.stdout)
        return done.stdout

    def test_cleanup_lists_an_inactive_revision_and_apply_deletes_it(self):
        arn = self.aws("ecs", "register-task-definition", "--family", "cleanup-old", "--container-definitions",
                       json.dumps([{"name": "app", "image": "berth/sample-tools", "memory": 16}]))["taskDefinition"]["taskDefinitionArn"]
        self.aws("ecs", "deregister-task-definition", "--task-definition", arn)

        self.assertRegex(self.berth("cleanup"), rf"task-definition\s+{re.escape(arn)}\s+-\s+INACTIVE")
        applied = self.berth("cleanup", "--apply")

        self.assertIn(f"done    task-definition {arn}", applied)
        status = self.aws("ecs", "describe-task-definition", "--task-definition", arn)["taskDefinition"]["status"]
        self.assertEqual(status, "DELETE_IN_PROGRESS")
        self.assertNotIn(arn, self.berth("cleanup"))

    def test_cleanup_names_a_container_of_a_task_the_server_does_not_know(self):
        unknown = "arn:aws:ecs:us-east-1:000000000000:task/earlier-run/0123456789abcdef"
        container = subprocess.run(["docker", "run", "-d", "--label", f"com.amazonaws.ecs.task-arn={unknown}",
                                    "berth/sample-tools", "sleep", "300"], capture_output=True, text=True, check=True).stdout.strip()
        self.addCleanup(subprocess.run, ["docker", "rm", "-f", container], capture_output=True)

        # The agent sends its engine's tasks with each poll, which the server holds up to 20 s when nothing changes.
        deadline = datetime.datetime.now() + datetime.timedelta(seconds=90)
        while not re.search(rf"containers\s+{re.escape(unknown)}", report := self.berth("cleanup")):
            self.assertLess(datetime.datetime.now(), deadline, report)
        self.assertIn(f"docker rm -f $(docker ps -aq --filter label=com.amazonaws.ecs.task-arn={unknown})", report)

    def test_fargate_usage_reads_back_through_cost_explorer_by_service_and_tag(self):
        self.aws("ecs", "register-task-definition", "--family", "cost-job", "--network-mode", "awsvpc",
                 "--requires-compatibilities", "FARGATE", "--cpu", "256", "--memory", "512",
                 "--tags", "key=team,value=blue", "--container-definitions",
                 json.dumps([{"name": "job", "image": "berth/sample-tools", "command": ["sleep", "5"]}]))
        arns = [t["taskArn"] for t in self.aws(
            "ecs", "run-task", "--launch-type", "FARGATE", "--task-definition", "cost-job", "--count", "2",
            "--propagate-tags", "TASK_DEFINITION",
            "--network-configuration", AWSVPC_NETWORK.format(subnet=self.subnet))["tasks"]]
        self.aws("ecs", "wait", "tasks-stopped", "--tasks", *arns)

        today = datetime.datetime.now(datetime.timezone.utc).date()
        period = {"Start": today.isoformat(), "End": (today + datetime.timedelta(days=1)).isoformat()}
        ce = self.server.client("ce")
        by_service = ce.get_cost_and_usage(TimePeriod=period, Granularity="DAILY", Metrics=["UnblendedCost", "UsageQuantity"],
                                           GroupBy=[{"Type": "DIMENSION", "Key": "SERVICE"}])
        group = by_service["ResultsByTime"][0]["Groups"][0]
        self.assertEqual(group["Keys"], ["Amazon Elastic Container Service"])
        # Two tasks of 0.25 vCPU and 0.5 GB, each billed at least its one-minute minimum.
        self.assertGreaterEqual(float(group["Metrics"]["UnblendedCost"]["Amount"]), 2 * (0.25 * 0.04048 + 0.5 * 0.004445) / 60 * 0.999)
        self.assertEqual(group["Metrics"]["UnblendedCost"]["Unit"], "USD")

        by_tag = self.aws("ce", "get-cost-and-usage", "--time-period", f"Start={period['Start']},End={period['End']}",
                          "--granularity", "DAILY", "--metrics", "UsageQuantity", "--group-by", "Type=TAG,Key=team")
        groups = {g["Keys"][0]: float(g["Metrics"]["UsageQuantity"]["Amount"]) for g in by_tag["ResultsByTime"][0]["Groups"]}
        self.assertEqual(list(groups), ["team$blue"])
        self.assertGreater(groups["team$blue"], 0)

        self.assertRegex(self.berth("cost"), r"default\s+-\s+FARGATE\s+2\s")

        # /metrics counts the same usage per service (RunTask's tasks under "-") with its next pass (one a minute): each
        # task's seconds from the pull to the stop, at least a minute, times its 0.25 vCPU and 0.5 GB.
        tasks = self.server.ecs().describe_tasks(tasks=arns)["tasks"]
        billed = sum(max(60, math.ceil((t["stoppedAt"] - (t.get("pullStartedAt") or t["startedAt"])).total_seconds())) for t in tasks)
        labels = rf'\{{cluster="{re.escape(tasks[0]["clusterArn"])}",service="-"\}}'
        expected = {"berth_task_vcpu_seconds_total": 0.25 * billed, "berth_task_memory_gb_seconds_total": 0.5 * billed}
        seen = {}

        def counted():
            with urllib.request.urlopen(f"{self.server.endpoint}/metrics", timeout=5) as response:
                text = response.read().decode()
            seen.update({name: re.search(rf"^{name}{labels} (\S+)$", text, re.M) for name in expected})
            seen.update({name: found and float(found.group(1)) for name, found in seen.items()})
            # The meter rounds the server's own times up to whole seconds: a second either way per task.
            return all(seen[name] and abs(seen[name] - value) <= value / billed * len(tasks) for name, value in expected.items())

        self.assertTrue(wait_until(counted, 90, interval=2), f"expected {expected}, /metrics said {seen}")

if __name__ == "__main__":
    unittest.main()
