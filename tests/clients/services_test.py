"""Services with real containers: `berth up` driven by the aws CLI for the tour, watched through boto3.

boto3 polls the service many times a second, which is how the rolling-deployment test checks the
minimumHealthyPercent bound at every moment it can observe, not only at the end.
"""
import json
import math
import os
import subprocess
import time
import unittest

from aws_cli import ENV, aws
from berth_server import ROOT, BerthServer, kill_process_group, remove_agent_containers, wait_until


def web_definition(family, **changes):
    with open(os.path.join(ROOT, "examples", "web.json")) as f:
        definition = json.load(f)
    definition["family"] = family
    container = definition["containerDefinitions"][0]
    # The example's 2 s timeout and 3 retries let a CI machine at load 40 turn every task UNHEALTHY at once (docker
    # exec of the check alone can take seconds), which these tests would misread as the scheduler's doing.
    container["healthCheck"].update(timeout=5, retries=5)
    container.update(changes)
    for member in [k for k, v in changes.items() if v is None]:
        del container[member]
    return definition


class ServiceTestBase(unittest.TestCase):
    server_args = ()

    def setUp(self):
        self.server = BerthServer(command="up", args=self.server_args)
        self.addCleanup(self.server.close)  # also when start() or the agent wait below fails
        self.server.start()
        self.ecs = self.server.ecs()
        self.server.wait_for_local_agent(self.ecs)

    def aws(self, *args, **kwargs):
        return aws(self, self.server.endpoint, *args, **kwargs)

    def eventually(self, check, seconds, what, interval=0.2):
        return wait_until(check, seconds, interval) or self.fail(f"{what} did not happen within {seconds} s")

    def register(self, definition):
        path = os.path.join(self.server.data_dir, f"{definition['family']}.json")
        with open(path, "w") as f:
            json.dump(definition, f)
        return self.aws("ecs", "register-task-definition", "--cli-input-json", f"file://{path}")["taskDefinition"]

    def service(self, name="web"):
        return self.ecs.describe_services(cluster="default", services=[name])["services"][0]

    def service_tasks(self, name="web", status="RUNNING"):
        arns = self.ecs.list_tasks(cluster="default", serviceName=name, desiredStatus=status)["taskArns"]
        return self.ecs.describe_tasks(cluster="default", tasks=arns)["tasks"] if arns else []

    def containers_of(self, task_arn):
        return subprocess.run(["docker", "ps", "-q", "--filter", f"label=com.amazonaws.ecs.task-arn={task_arn}"],
                              capture_output=True, text=True).stdout.split()

    def wait_stable(self, name="web"):
        self.aws("ecs", "wait", "services-stable", "--cluster", "default", "--services", name, timeout=300)

    def completed_on(self, task_definition_arn, name="web"):
        """The service's only deployment is COMPLETED on this revision and every task it runs is of it."""
        service = self.service(name)
        deployments = service["deployments"]
        return (len(deployments) == 1 and deployments[0]["rolloutState"] == "COMPLETED"
                and deployments[0]["taskDefinition"] == task_definition_arn
                and service["runningCount"] == service["desiredCount"]
                and all(t["taskDefinitionArn"] == task_definition_arn for t in self.service_tasks(name)))


class ServiceLifecycleTest(ServiceTestBase):
    def test_self_healing_rolling_deployment_circuit_breaker_and_delete(self):
        v1 = self.register(web_definition("web"))["taskDefinitionArn"]
        created = self.aws("ecs", "create-service", "--cluster", "default", "--service-name", "web", "--task-definition", "web:1",
                           "--desired-count", "3", "--deployment-configuration",
                           "maximumPercent=200,minimumHealthyPercent=50,deploymentCircuitBreaker={enable=true,rollback=true}")["service"]
        self.assertEqual(created["serviceArn"], "arn:aws:ecs:us-east-1:000000000000:service/default/web")
        self.wait_stable()
        tasks = self.service_tasks()
        self.assertEqual(len(tasks), 3)
        deployment_id = self.service()["deployments"][0]["id"]
        for task in tasks:
            self.assertEqual(task["startedBy"], deployment_id)
            self.assertEqual(task["group"], "service:web")

        # docker kill: the agent reports the exit, the scheduler starts a replacement and says so.
        victim = tasks[0]["taskArn"]
        subprocess.run(["docker", "kill", *self.containers_of(victim)], check=True, capture_output=True)
        replacement = self.eventually(
            lambda: [t for t in self.service_tasks() if t["taskArn"] not in {x["taskArn"] for x in tasks} and t["lastStatus"] == "RUNNING"],
            30, "a RUNNING replacement")[0]
        events = [e["message"] for e in self.service()["events"]]
        self.assertIn(f"(service web) has started 1 tasks: (task {replacement['taskArn'].split('/')[-1]}).", events)
        stopped = self.ecs.describe_tasks(cluster="default", tasks=[victim])["tasks"][0]
        self.assertEqual(stopped["stoppedReason"], "Essential container in task exited")

        # Rolling deployment: at every observed moment at least ceil(3 × 50%) healthy tasks and at most 6 tasks.
        v2 = self.register(web_definition("web", environment=[{"name": "MESSAGE", "value": "v2"}]))["taskDefinitionArn"]
        self.wait_stable()
        # minimumHealthyPercent protects healthy tasks only: one whose health check has not passed yet counts for
        # nothing, in ECS as in Berth, and may be stopped at once. On a loaded machine Docker can take a minute to pass
        # the first checks, so the deployment starts from three HEALTHY tasks or the bound below would protect none.
        self.eventually(lambda: len([t for t in self.service_tasks() if t["lastStatus"] == "RUNNING" and t.get("healthStatus") == "HEALTHY"]) == 3,
                        180, "three HEALTHY web:1 tasks", interval=1)
        self.aws("ecs", "update-service", "--cluster", "default", "--service", "web", "--task-definition", "web:2")
        lowest_healthy, highest_total, lowest_seen = 3, 0, []
        deadline = time.time() + 180
        while not self.completed_on(v2):
            self.assertLess(time.time(), deadline, "the rolling deployment did not complete within 180 s")
            live = self.service_tasks()
            healthy = [t for t in live if t["lastStatus"] == "RUNNING" and t.get("healthStatus") == "HEALTHY"]
            if len(healthy) < lowest_healthy:
                # What the lowest moment looked like, and why the tasks that left had left: a failure names its cause.
                lowest_seen = [(t["taskArn"].split("/")[-1], t["taskDefinitionArn"].split("/")[-1], t["lastStatus"], t.get("healthStatus"))
                               for t in live] + [(t["taskArn"].split("/")[-1], t["taskDefinitionArn"].split("/")[-1], t["lastStatus"],
                                                  t.get("healthStatus"), t.get("stoppedReason")) for t in self.service_tasks(status="STOPPED")] \
                    + [e["message"] for e in self.service()["events"][:8]]
            lowest_healthy = min(lowest_healthy, len(healthy))
            highest_total = max(highest_total, len(live))
        self.assertGreaterEqual(lowest_healthy, math.ceil(3 * 50 / 100), f"the tasks at the lowest: {lowest_seen}")
        self.assertLessEqual(highest_total, 6)

        # A revision whose container exits at once trips the circuit breaker, which rolls back to web:2.
        self.register(web_definition("web", image="berth/sample-tools", command=["sh", "-c", "exit 3"], healthCheck=None))
        failing = self.aws("ecs", "update-service", "--cluster", "default", "--service", "web", "--task-definition", "web:3")["service"]
        failed_id = failing["deployments"][0]["id"]
        self.eventually(lambda: self.completed_on(v2), 180, "the rollback to web:2", interval=1)
        events = [e["message"] for e in self.service()["events"]]
        self.assertTrue(any(m.startswith(f"(service web) (deployment {failed_id}) deployment failed") for m in events), events)
        self.assertTrue(any(m.startswith("(service web) rolling back to deployment") for m in events), events)

        # Scale to zero, then delete: DRAINING, then INACTIVE, and every container is gone.
        self.aws("ecs", "delete-service", "--cluster", "default", "--service", "web", expect_error="InvalidParameterException")
        self.aws("ecs", "update-service", "--cluster", "default", "--service", "web", "--desired-count", "0")
        deleted = self.aws("ecs", "delete-service", "--cluster", "default", "--service", "web")["service"]
        self.assertEqual(deleted["status"], "DRAINING")
        self.aws("ecs", "wait", "services-inactive", "--cluster", "default", "--services", "web", timeout=120)
        self.assertEqual(self.aws("ecs", "list-services", "--cluster", "default")["serviceArns"], [])
        self.assertEqual(self.service_tasks(), [])
        self.assertNotEqual(v1, v2)


class ServerRestartDuringDeploymentTest(ServiceTestBase):
    def test_a_deployment_interrupted_by_kill_9_completes_after_restart(self):
        self.register(web_definition("web"))
        self.aws("ecs", "create-service", "--cluster", "default", "--service-name", "web", "--task-definition", "web:1",
                 "--desired-count", "4", "--deployment-configuration", "maximumPercent=150,minimumHealthyPercent=50")
        self.wait_stable()
        v2 = self.register(web_definition("web", environment=[{"name": "MESSAGE", "value": "v2"}]))["taskDefinitionArn"]
        self.aws("ecs", "update-service", "--cluster", "default", "--service", "web", "--task-definition", "web:2")
        self.eventually(lambda: any(t["taskDefinitionArn"] == v2 for t in self.service_tasks()), 60, "the first web:2 task")

        self.server.kill()
        self.server.start()

        self.eventually(lambda: self.completed_on(v2), 180, "the deployment completing after the restart", interval=1)
        running = self.service_tasks()
        self.assertEqual(len(running), 4)
        # Nothing orphaned or doubled: exactly one live container per RUNNING task.
        containers = subprocess.run(["docker", "ps", "-q", "--filter", f"label=org.berth.agent={self.server.agent_namespace}"],
                                    capture_output=True, text=True).stdout.split()
        self.assertEqual(len(containers), 4)


class InstanceLossAndDaemonTest(ServiceTestBase):
    # Short liveness windows so a dead agent's tasks are given up within seconds.
    server_args = ("--agent-disconnect-seconds", "3", "--task-lost-seconds", "6")

    def start_second_agent(self):
        namespace = f"{self.server.agent_namespace}-b"
        agent = self.server.start_agent("default", name="agent-b", agent_namespace=namespace, env=ENV)
        self.addCleanup(self.remove_agent, agent, namespace)
        self.eventually(lambda: len(self.ecs.list_container_instances(cluster="default")["containerInstanceArns"]) == 2, 60,
                        "the second agent registering")
        return agent

    @staticmethod
    def remove_agent(agent, namespace):
        kill_process_group(agent)
        remove_agent_containers(namespace)

    def test_daemon_follows_instances_and_replicas_leave_a_dead_agent(self):
        self.register(web_definition("web"))
        self.aws("ecs", "create-service", "--cluster", "default", "--service-name", "daemon", "--task-definition", "web",
                 "--scheduling-strategy", "DAEMON")
        self.wait_stable("daemon")
        self.assertEqual(len(self.service_tasks("daemon")), 1)
        first = self.ecs.list_container_instances(cluster="default")["containerInstanceArns"][0]

        # An instance that joins later gets its daemon task too.
        agent = self.start_second_agent()
        self.eventually(lambda: len({t["containerInstanceArn"] for t in self.service_tasks("daemon")
                                     if t["lastStatus"] == "RUNNING"}) == 2, 60, "a daemon task on the new instance")
        self.eventually(lambda: self.service("daemon")["desiredCount"] == 2, 10, "the daemon's desired count following")

        self.aws("ecs", "create-service", "--cluster", "default", "--service-name", "web", "--task-definition", "web",
                 "--desired-count", "2", "--placement-strategy", "type=spread,field=instanceId")
        self.wait_stable("web")
        second = [a for a in self.ecs.list_container_instances(cluster="default")["containerInstanceArns"]
                  if any(t["containerInstanceArn"] == a for t in self.service_tasks("web"))]
        self.assertEqual(len(second), 2, "spread puts one replica on each instance")

        # The second agent dies for good: its replica is replaced on the instance that is left.
        kill_process_group(agent)

        def replaced():
            tasks = [t for t in self.service_tasks("web") if t["lastStatus"] == "RUNNING"]
            instances = {t["containerInstanceArn"] for t in tasks}
            return len(tasks) == 2 and len(instances) == 1 and instances
        instances = self.eventually(replaced, 90, "the replicas running on the surviving instance", interval=1)
        self.assertEqual(instances, {first})
        lost = [t for t in self.service_tasks("web", status="STOPPED") if "stopped responding" in (t.get("stoppedReason") or "")]
        self.assertEqual(len(lost), 1)


if __name__ == "__main__":
    unittest.main()
