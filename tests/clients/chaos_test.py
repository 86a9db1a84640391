"""Chaos: Berth killed in the middle of a rolling deployment, one service updated by 100 callers at once, and a data
directory whose disk fills up or turns read-only.

A kill -9 of `berth up` (server and local agent in one process) leaves the task containers running; the restart on
the same data directory must adopt them and finish the deployment without losing or duplicating a task. Concurrent
UpdateService calls race on one service record: every call must be answered (no 5xx), and the last write wins whole.
A full or read-only disk must give a clear 503 ServiceUnavailableException, keep what was committed, and (for a full
disk) heal by itself once space returns.
"""
import os
import subprocess
import threading
import unittest

import boto3
import botocore.config
from botocore.exceptions import ClientError

from berth_server import BerthServer, wait_until

TASKS = 10


def web_definition(family, revision_marker):
    """A one-container definition that starts and stops at once (sample-web's PID 1 forwards SIGTERM)."""
    return dict(family=family, containerDefinitions=[{
        "name": "web", "image": "berth/sample-web", "memory": 16, "essential": True,
        "environment": [{"name": "MESSAGE", "value": revision_marker}]}])


class KillDuringRollingDeploymentTest(unittest.TestCase):
    def setUp(self):
        self.server = BerthServer(command="up")
        self.addCleanup(self.server.close)
        self.server.start()
        self.ecs = self.server.ecs()
        self.server.wait_for_local_agent(self.ecs)

    def eventually(self, check, seconds, what, interval=0.5):
        return wait_until(check, seconds, interval) or self.fail(f"{what} did not happen within {seconds} s")

    def service(self, name):
        return self.ecs.describe_services(cluster="default", services=[name])["services"][0]

    def tasks(self, name):
        arns = self.ecs.list_tasks(cluster="default", serviceName=name, desiredStatus="RUNNING")["taskArns"]
        return self.ecs.describe_tasks(cluster="default", tasks=arns)["tasks"] if arns else []

    def running_containers(self):
        """Task ARN of each container Docker really runs for this test's agent."""
        ids = subprocess.run(["docker", "ps", "-q", "--filter", f"label=org.berth.agent={self.server.agent_namespace}"],
                             capture_output=True, text=True, check=True).stdout.split()
        if not ids:
            return []
        return subprocess.run(["docker", "inspect", "-f", '{{index .Config.Labels "com.amazonaws.ecs.task-arn"}}', *ids],
                              capture_output=True, text=True, check=True).stdout.split()

    def test_a_kill_9_in_the_middle_of_a_rolling_deployment_loses_and_duplicates_nothing(self):
        v1 = self.ecs.register_task_definition(**web_definition("roll", "v1"))["taskDefinition"]["taskDefinitionArn"]
        v2 = self.ecs.register_task_definition(**web_definition("roll", "v2"))["taskDefinition"]["taskDefinitionArn"]
        # Five tasks at a time: the deployment takes two rounds at least, and the kill lands inside it.
        self.ecs.create_service(cluster="default", serviceName="roll", taskDefinition=v1, desiredCount=TASKS,
                                deploymentConfiguration={"maximumPercent": 150, "minimumHealthyPercent": 50})
        self.eventually(lambda: self.completed_on("roll", v1), 180, "the first deployment")

        self.ecs.update_service(cluster="default", service="roll", taskDefinition=v2)

        def half_way():
            running = self.tasks("roll")
            new = [t for t in running if t["taskDefinitionArn"] == v2 and t["lastStatus"] == "RUNNING"]
            return 0 < len(new) < TASKS
        self.eventually(half_way, 120, "some tasks of the new revision running", interval=0.1)
        self.server.kill()
        self.server.start()
        self.ecs = self.server.ecs()

        self.eventually(lambda: self.completed_on("roll", v2), 240, "the deployment's completion after the restart")
        service = self.service("roll")
        self.assertEqual(service["desiredCount"], TASKS)
        self.assertEqual(service["runningCount"], TASKS)
        self.assertEqual(service["pendingCount"], 0)
        running = self.tasks("roll")
        self.assertEqual(len(running), TASKS)
        self.assertEqual({t["lastStatus"] for t in running}, {"RUNNING"})
        self.assertEqual({t["startedBy"] for t in running}, {service["deployments"][0]["id"]})
        # Docker runs exactly one container per RUNNING task once the old tasks' containers are gone.
        arns = sorted(t["taskArn"] for t in running)
        self.eventually(lambda: sorted(self.running_containers()) == arns, 120,
                        "Docker running exactly the service's RUNNING tasks")
        # Nothing stopped or started behind the scheduler's back once stable.
        self.assertEqual(sorted(t["taskArn"] for t in self.tasks("roll")), arns)

    def completed_on(self, name, task_definition):
        service = self.service(name)
        deployments = service["deployments"]
        return (len(deployments) == 1 and deployments[0]["taskDefinition"] == task_definition
                and deployments[0]["rolloutState"] == "COMPLETED"
                and service["runningCount"] == service["desiredCount"] == TASKS
                and len(self.tasks(name)) == TASKS)


class ConcurrentUpdateServiceTest(unittest.TestCase):
    def setUp(self):
        # The control plane alone: a cluster without instances records every desired count without running 99 tasks.
        self.server = BerthServer(command="server")
        self.addCleanup(self.server.close)
        self.server.start()
        self.ecs = self.server.ecs()

    def test_100_concurrent_update_service_calls_are_all_answered_and_one_write_wins_whole(self):
        self.ecs.create_cluster(clusterName="crowd")
        arn = self.ecs.register_task_definition(**web_definition("crowd", "v1"))["taskDefinition"]["taskDefinitionArn"]
        self.ecs.create_service(cluster="crowd", serviceName="crowd", taskDefinition=arn, desiredCount=1000)

        # No retries: a throttled or failed call must show, not be hidden by botocore's retry.
        config = botocore.config.Config(retries={"total_max_attempts": 1}, read_timeout=120)
        clients = [boto3.client("ecs", endpoint_url=self.server.endpoint, region_name="us-east-1", config=config,
                                aws_access_key_id="test", aws_secret_access_key="test") for _ in range(100)]
        answers = [None] * 100
        start = threading.Barrier(100)

        def update(i):
            start.wait()
            try:
                answers[i] = clients[i].update_service(cluster="crowd", service="crowd", desiredCount=i)["service"]
            except Exception as e:  # noqa: BLE001 - every failure is reported below, whatever its kind
                answers[i] = e
        threads = [threading.Thread(target=update, args=(i,)) for i in range(100)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=300)
        self.assertFalse(any(t.is_alive() for t in threads), "an UpdateService call was never answered")

        failures = [repr(a) for a in answers if not isinstance(a, dict)]
        self.assertEqual(failures, [], "every call succeeds (a conflict is the server's to retry, never a 5xx)")
        for i, answer in enumerate(answers):
            self.assertEqual(answer["desiredCount"], i, "each answer shows its own write")
            self.assertEqual(len(answer["deployments"]), 1)

        service = self.ecs.describe_services(cluster="crowd", services=["crowd"])["services"][0]
        self.assertIn(service["desiredCount"], range(100), "the final state is one of the writes")
        # One deployment (a desiredCount change starts none), carrying the service's desired count.
        self.assertEqual(len(service["deployments"]), 1)
        deployment = service["deployments"][0]
        self.assertEqual(deployment["desiredCount"], service["desiredCount"])
        self.assertEqual(deployment["taskDefinition"], arn)
        self.assertEqual(deployment["status"], "PRIMARY")
        # The service still takes writes: the race left no lock or half-written record behind.
        self.assertEqual(self.ecs.update_service(cluster="crowd", service="crowd", desiredCount=0)["service"]["desiredCount"], 0)


def mount(*args):
    return subprocess.run(["mount", *args], capture_output=True, text=True)


class DataStoreFailureTest(unittest.TestCase):
    """The data directory on a filesystem of its own (mounting needs root): a small tmpfs for a full disk, a loop-mounted
    ext4 with errors=remount-ro for a read-only one (a plain `mount -o remount,ro` is refused while Berth holds files
    open for writing; an ext4 error makes the kernel do it anyway, as a failing disk would)."""

    def setUp(self):
        if os.geteuid() != 0:
            self.skipTest("mounting a filesystem for the data directory needs root")
        self.server = BerthServer(command="server")
        self.addCleanup(self.server.close)
        self.ecs = boto3.client("ecs", endpoint_url=self.server.endpoint, region_name="us-east-1",
                                config=botocore.config.Config(retries={"total_max_attempts": 1}),
                                aws_access_key_id="test", aws_secret_access_key="test")

    def mount_data_dir(self, *args):
        result = mount(*args, self.server.data_dir)
        if result.returncode != 0:
            self.skipTest(f"cannot mount a filesystem here: {result.stderr.strip()}")
        self.addCleanup(subprocess.run, ["umount", "-l", self.server.data_dir], capture_output=True)

    def clusters(self):
        return sorted(arn.rsplit("/", 1)[1] for arn in self.ecs.list_clusters()["clusterArns"])

    def assert_unavailable(self, call, reason):
        with self.assertRaises(ClientError) as raised:
            call()
        error = raised.exception.response
        self.assertEqual(error["ResponseMetadata"]["HTTPStatusCode"], 503, error)
        self.assertEqual(error["Error"]["Code"], "ServiceUnavailableException")
        self.assertIn(reason, error["Error"]["Message"])
        self.assertIn(self.server.data_dir, error["Error"]["Message"], "the message names the file to look at")

    def test_a_full_disk_answers_503_keeps_what_was_committed_and_heals_when_space_returns(self):
        self.mount_data_dir("-t", "tmpfs", "-o", "size=16m", "tmpfs")
        self.server.start()
        self.ecs.create_cluster(clusterName="before")
        logs = self.server.client("logs")
        logs.create_log_group(logGroupName="before")

        filler = os.path.join(self.server.data_dir, "filler")
        subprocess.run(["dd", "if=/dev/zero", f"of={filler}", "bs=64k"], capture_output=True)
        self.assert_unavailable(lambda: self.ecs.create_cluster(clusterName="full"), "full disk")
        self.assert_unavailable(lambda: self.ecs.register_task_definition(**web_definition("full", "v1")), "full disk")
        with self.assertRaises(ClientError) as raised:
            logs.create_log_group(logGroupName="full")
        self.assertEqual(raised.exception.response["ResponseMetadata"]["HTTPStatusCode"], 503)
        self.assertEqual(self.clusters(), ["before"], "reads still answer, and the failed write left nothing")

        os.unlink(filler)
        self.ecs.create_cluster(clusterName="after")  # no restart: the next write simply succeeds
        logs.create_log_group(logGroupName="after")
        self.assertEqual(self.clusters(), ["after", "before"])

        self.server.kill()
        self.server.start()
        self.assertEqual(self.clusters(), ["after", "before"])
        groups = logs.describe_log_groups()["logGroups"]
        self.assertEqual(sorted(g["logGroupName"] for g in groups), ["after", "before"])
        self.assertEqual(self.ecs.describe_clusters(clusters=["before"])["clusters"][0]["status"], "ACTIVE")

    def test_a_disk_turned_read_only_answers_503_and_loses_nothing(self):
        image = os.path.join(os.path.dirname(self.server.data_dir), os.path.basename(self.server.data_dir) + ".ext4")
        self.addCleanup(os.unlink, image)
        subprocess.run(["truncate", "-s", "64M", image], check=True)
        subprocess.run(["mkfs.ext4", "-q", "-F", image], check=True, capture_output=True)
        self.mount_data_dir("-o", "loop,errors=remount-ro", image)
        self.server.start()
        self.ecs.create_cluster(clusterName="before")
        self.ecs.register_task_definition(**web_definition("kept", "v1"))

        # An ext4 error drops writes still in the page cache, as a power loss does; with synchronous=NORMAL (see
        # SqliteStateStore) Berth's last commits are among them until the kernel flushes them, so flush first: this
        # test is about what reached the disk.
        subprocess.run(["sync", "-f", self.server.data_dir], check=True)
        device = os.path.basename(subprocess.run(["findmnt", "-n", "-o", "SOURCE", self.server.data_dir],
                                                  capture_output=True, text=True, check=True).stdout.strip())
        with open(f"/sys/fs/ext4/{device}/trigger_fs_error", "w") as trigger:
            trigger.write("berth chaos test")
        self.assert_unavailable(lambda: self.ecs.create_cluster(clusterName="read-only"), "read-only")  # SQLite says I/O error

        # The kernel keeps an ext4 that failed read-only until it is mounted again, which takes Berth down with it.
        self.server.kill()
        subprocess.run(["umount", self.server.data_dir], check=True)
        subprocess.run(["e2fsck", "-f", "-y", image], capture_output=True)
        self.assertEqual(mount("-o", "loop", image, self.server.data_dir).returncode, 0)
        self.server.start()
        self.assertEqual(self.clusters(), ["before"])
        self.assertEqual(self.ecs.describe_task_definition(taskDefinition="kept:1")["taskDefinition"]["revision"], 1)
        self.ecs.create_cluster(clusterName="after")
        self.assertEqual(self.clusters(), ["after", "before"])


if __name__ == "__main__":
    unittest.main()
