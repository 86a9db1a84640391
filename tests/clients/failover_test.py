"""Three `berth server` processes on one store, one agent given all three, and a 10-task service mid rolling deployment:
kill -9 of the controller lease's holder. Another server takes over (the time is printed, not asserted: a busy machine
may be slow, correctness may not), the deployment completes, no task is lost or duplicated, and every API call that
was answered 200 on any server, before, during or after the takeover, is there afterwards.

The store is the servers' shared SQLite file, or PostgreSQL when BERTH_TEST_POSTGRES gives a database URL.
"""
import os
import shutil
import subprocess
import threading
import time
import unittest
import urllib.request

import boto3
from botocore.config import Config

from berth_server import BerthServer, kill_process_group, wait_until
from services_test import web_definition

CLUSTER = "failover"
TASKS = 10


class SharedStoreServer(BerthServer):
    """A server on another's data directory (so on its SQLite files), or on the PostgreSQL store."""

    def __init__(self, data_dir, args):
        super().__init__(command="server", args=args)
        self.own_dir, self.data_dir = self.data_dir, data_dir or self.data_dir

    def holds_lease(self):
        """Whether /metrics says this server holds the controller lease (False when it does not answer)."""
        try:
            with urllib.request.urlopen(f"{self.endpoint}/metrics", timeout=1) as response:
                return "berth_controller_lease_held 1" in response.read().decode().splitlines()
        except OSError:
            return False

    def close(self):
        super().close()
        shutil.rmtree(self.own_dir, ignore_errors=True)


class FailoverTest(unittest.TestCase):
    def setUp(self):
        postgres = os.environ.get("BERTH_TEST_POSTGRES")
        args = ["--store", self.own_database(postgres)] if postgres else []
        first = SharedStoreServer(None, args)
        self.servers = [first] + [SharedStoreServer(first.data_dir, args) for _ in range(2)]
        for server in reversed(self.servers):
            self.addCleanup(server.close)
        for server in self.servers:
            server.start()
        self.agent = first.start_agent(CLUSTER, servers=",".join(s.endpoint for s in self.servers))
        self.addCleanup(first.remove_containers)
        self.addCleanup(kill_process_group, self.agent)

    def own_database(self, url):
        """A database of this run's own on the test server (dropped afterwards), so no other test's state is in it."""
        name = f"berth_failover_{os.getpid()}"
        psql = ["psql", "-v", "ON_ERROR_STOP=1", "-qAt", url, "-c"]
        subprocess.run([*psql, f"CREATE DATABASE {name}"], check=True, capture_output=True)
        self.addCleanup(subprocess.run, [*psql, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"], capture_output=True)
        return url[:url.rindex("/") + 1] + name

    def ecs(self, server):
        # No retries and a short timeout: a call to a dead server fails at once, and a 200 is a 200 from that server.
        return boto3.client(
            "ecs", endpoint_url=server.endpoint, region_name="us-east-1", aws_access_key_id="test", aws_secret_access_key="test",
            config=Config(retries={"max_attempts": 0, "mode": "standard"}, connect_timeout=2, read_timeout=10))

    def eventually(self, check, seconds, what):
        return wait_until(check, seconds, 0.5) or self.fail(f"{what} did not happen within {seconds} s")

    def test_the_lease_holder_dies_mid_rolling_deployment(self):
        leader = self.eventually(lambda: next((s for s in self.servers if s.holds_lease()), None), 30, "a lease holder")
        self.assertEqual(sum(s.holds_lease() for s in self.servers), 1)
        ecs = self.ecs(next(s for s in self.servers if s is not leader))
        ecs.create_cluster(clusterName=CLUSTER)
        self.eventually(lambda: ecs.list_container_instances(cluster=CLUSTER)["containerInstanceArns"], 60, "the agent's registration")
        small = {"cpu": None, "memory": 16, "healthCheck": None}
        v1 = ecs.register_task_definition(**web_definition("failover", **small))["taskDefinition"]["taskDefinitionArn"]
        v2 = ecs.register_task_definition(**web_definition("failover", environment=[{"name": "MESSAGE", "value": "v2"}], **small))[
            "taskDefinition"]["taskDefinitionArn"]
        ecs.create_service(cluster=CLUSTER, serviceName="web", taskDefinition=v1, desiredCount=TASKS,
                           deploymentConfiguration={"maximumPercent": 150, "minimumHealthyPercent": 50})
        self.eventually(lambda: self.running(ecs, v1) == TASKS, 60, f"{TASKS} tasks of {v1} RUNNING")

        # Every server keeps taking writes through the failover; each one answered 200 must survive it.
        accepted, stop = [], threading.Event()
        writer = threading.Thread(target=self.write_tags, args=(accepted, stop))
        writer.start()
        try:
            # The update is made on a server that survives; the leader's scheduler starts the rollout within a round.
            ecs.update_service(cluster=CLUSTER, service="web", taskDefinition=v2)
            self.eventually(lambda: self.running(ecs, v2) > 0, 30, f"the rollout to {v2} starting")
            killed = time.monotonic()
            leader.kill()
            survivors = [s for s in self.servers if s is not leader]
            successor = self.eventually(lambda: next((s for s in survivors if s.holds_lease()), None), 30, "a takeover")
            print(f"\ncontroller lease taken over {time.monotonic() - killed:.1f} s after kill -9 of its holder "
                  f"(store: {'PostgreSQL' if os.environ.get('BERTH_TEST_POSTGRES') else 'SQLite'})")
            self.eventually(lambda: self.completed(ecs, v2), 60, f"the deployment of {v2} completing")
            time.sleep(1)  # a few more writes land after the deployment too
        finally:
            stop.set()
            writer.join()

        self.assertEqual(sum(s.holds_lease() for s in survivors), 1)
        self.assertIn(successor, survivors)
        tasks = self.tasks(ecs)
        running = [t for t in tasks if t["lastStatus"] == "RUNNING"]
        self.assertEqual(len(running), TASKS, [(t["taskArn"], t["lastStatus"]) for t in tasks])
        self.assertTrue(all(t["taskDefinitionArn"] == v2 for t in running))
        containers = [c["runtimeId"] for t in running for c in t["containers"]]
        self.assertEqual(len(set(containers)), TASKS)
        # Exactly the containers ECS calls RUNNING run on Docker: none lost, none started twice for one task (the old
        # tasks' containers may still be stopping when the deployment completes).
        self.eventually(lambda: sorted(self.on_docker()) == sorted(containers), 30, "Docker running exactly the RUNNING tasks' containers")
        self.assertTrue(accepted, "no API call was accepted during the failover")
        cluster_arn = ecs.describe_clusters(clusters=[CLUSTER])["clusters"][0]["clusterArn"]
        tags = {t["key"] for t in ecs.list_tags_for_resource(resourceArn=cluster_arn)["tags"]}
        self.assertEqual([key for key in accepted if key not in tags], [])

    def write_tags(self, accepted, stop):
        """Tags the cluster, round the three servers, until stopped; records each tag a server answered 200 for."""
        clients = [self.ecs(s) for s in self.servers]
        arn = clients[1].describe_clusters(clusters=[CLUSTER])["clusters"][0]["clusterArn"]
        n = 0
        while not stop.is_set():
            key = f"probe-{n}"
            try:
                clients[n % 3].tag_resource(resourceArn=arn, tags=[{"key": key, "value": "1"}])
                accepted.append(key)
            except Exception:  # a dead server, or one that failed the call: not accepted, so not owed
                pass
            n += 1
            time.sleep(0.05)

    def on_docker(self):
        return subprocess.run(["docker", "ps", "-q", "--no-trunc", "--filter", f"label=org.berth.agent={self.servers[0].agent_namespace}"],
                              capture_output=True, text=True, check=True).stdout.split()

    @staticmethod
    def tasks(ecs):
        arns = ecs.list_tasks(cluster=CLUSTER, serviceName="web", desiredStatus="RUNNING")["taskArns"]
        return ecs.describe_tasks(cluster=CLUSTER, tasks=arns)["tasks"] if arns else []

    def running(self, ecs, definition):
        return sum(1 for t in self.tasks(ecs) if t["lastStatus"] == "RUNNING" and t["taskDefinitionArn"] == definition)

    @staticmethod
    def completed(ecs, definition):
        service = ecs.describe_services(cluster=CLUSTER, services=["web"])["services"][0]
        deployments = service["deployments"]
        return (len(deployments) == 1 and deployments[0]["rolloutState"] == "COMPLETED" and deployments[0]["taskDefinition"] == definition
                and service["runningCount"] == TASKS)


if __name__ == "__main__":
    unittest.main()
