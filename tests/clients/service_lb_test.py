"""Services behind a Berth load balancer, with real containers: `berth up`, the aws CLI for the tour, boto3 to watch.

The tasks run berth/sample-web in bridge mode, so each is an `instance` target at its container instance's id and
the host port Docker bound (ECS requires target type instance for bridge tasks). The listener is a YARP proxy on a
free 127.0.0.1 port.
"""
import json
import os
import random
import tempfile
import threading
import urllib.error
import urllib.request

from berth_server import free_port, wait_until
from services_test import ServiceTestBase, web_definition


def get(port, path="/", timeout=10):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=timeout) as response:
        return response.status, response.read().decode()


class LoadLoop:
    """Requests through the listener in a loop on a thread until stopped: counts answers, non-2xx and connection errors."""

    def __init__(self, port):
        self.port = port
        self.sent = self.ok = self.non_2xx = self.errors = 0
        self.failures = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set():
            self.sent += 1
            try:
                status, _ = get(self.port, timeout=10)
                self.ok += 1
            except urllib.error.HTTPError as e:
                self.non_2xx += 1
                self.failures.append(f"HTTP {e.code}")
            except OSError as e:
                self.errors += 1
                self.failures.append(repr(e))

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(30)


class ServiceLoadBalancerTest(ServiceTestBase):
    def setUp(self):
        super().setUp()
        self.lb = self.aws("elbv2", "create-load-balancer", "--name", "web-lb", "--type", "application",
                           "--subnets", "subnet-local-a")["LoadBalancers"][0]["LoadBalancerArn"]
        self.tg = self.aws("elbv2", "create-target-group", "--name", "web-tg", "--protocol", "HTTP", "--port", "80",
                           "--target-type", "instance", "--health-check-path", "/health",
                           "--health-check-interval-seconds", "5", "--health-check-timeout-seconds", "2",
                           "--healthy-threshold-count", "2", "--unhealthy-threshold-count", "2")["TargetGroups"][0]["TargetGroupArn"]
        self.aws("elbv2", "modify-target-group-attributes", "--target-group-arn", self.tg,
                 "--attributes", "Key=deregistration_delay.timeout_seconds,Value=3")
        self.port = free_port()
        self.aws("elbv2", "create-listener", "--load-balancer-arn", self.lb, "--protocol", "HTTP", "--port", str(self.port),
                 "--default-actions", f"Type=forward,TargetGroupArn={self.tg}")
        # No container health check: the target group's checks alone decide the tasks' health.
        self.web = self.register(web_definition("web", healthCheck=None))["taskDefinitionArn"]

    def create_service(self, count, definition="web", grace=10, name="web"):
        return self.aws("ecs", "create-service", "--cluster", "default", "--service-name", name, "--task-definition", definition,
                        "--desired-count", str(count), "--health-check-grace-period-seconds", str(grace),
                        "--load-balancers", f"targetGroupArn={self.tg},containerName=web,containerPort=80")["service"]

    def health(self):
        described = self.aws("elbv2", "describe-target-health", "--target-group-arn", self.tg)["TargetHealthDescriptions"]
        return {(d["Target"]["Id"], d["Target"]["Port"]): d["TargetHealth"] for d in described}

    def targets_of(self, tasks):
        """Each task's target: its instance's id and the host port of container port 80."""
        instances = {i["containerInstanceArn"]: i["ec2InstanceId"] for i in self.ecs.describe_container_instances(
            cluster="default", containerInstances=list({t["containerInstanceArn"] for t in tasks}))["containerInstances"]}
        return {(instances[t["containerInstanceArn"]], t["containers"][0]["networkBindings"][0]["hostPort"]) for t in tasks}

    def messages(self):
        return [e["message"] for e in self.service()["events"]]

    def healthy_targets(self, count):
        health = self.health()
        running = self.service_tasks()
        return (len(running) == count and self.targets_of(running) == set(health)
                and all(h["State"] == "healthy" for h in health.values()))

    def test_tour_registration_follows_the_service_and_stopped_tasks_drain_first(self):
        self.create_service(2)
        self.wait_stable()
        self.eventually(lambda: self.healthy_targets(2), 30, "both tasks healthy targets")
        # One event per round that registered targets: the tasks may reach RUNNING in different rounds.
        registered = [m for m in self.messages() if m.startswith("(service web) registered ")]
        self.assertEqual(sum(int(m.split()[3]) for m in registered), 2, registered)
        self.assertEqual({m.split(" ", 4)[4] for m in registered}, {f"targets in (target-group {self.tg})"})

        # Round robin over the two tasks: the sample page names the container's hostname.
        hosts = [get(self.port)[1].splitlines()[1] for _ in range(4)]
        self.assertEqual(len(set(hosts)), 2, hosts)
        self.assertTrue(all(a != b for a, b in zip(hosts, hosts[1:])), hosts)

        self.aws("ecs", "update-service", "--cluster", "default", "--service", "web", "--desired-count", "3")
        self.eventually(lambda: self.healthy_targets(3), 60, "the third task registered and healthy")

        # The draining window must outlast a few aws CLI polls on a loaded machine (each can take seconds): 3 s did not.
        self.aws("elbv2", "modify-target-group-attributes", "--target-group-arn", self.tg,
                 "--attributes", "Key=deregistration_delay.timeout_seconds,Value=20")
        before = {t["taskArn"]: t for t in self.service_tasks()}
        self.aws("ecs", "update-service", "--cluster", "default", "--service", "web", "--desired-count", "1")
        # Scale-in: two tasks deregistered (draining) while DEACTIVATING, their containers still up, then stopped.
        draining = self.eventually(lambda: [k for k, h in self.health().items() if h["State"] == "draining"] or None, 20, "draining targets")
        self.assertEqual(self.health()[draining[0]]["Reason"], "Target.DeregistrationInProgress")
        leaving = self.eventually(lambda: [t for t in self.ecs.describe_tasks(cluster="default", tasks=list(before))["tasks"]
                                           if t["lastStatus"] == "DEACTIVATING"] or None, 20, "DEACTIVATING tasks")
        self.assertEqual({t["desiredStatus"] for t in leaving}, {"STOPPED"})
        self.assertTrue(all(self.containers_of(t["taskArn"]) for t in leaving), "containers stop only after draining")
        self.assertEqual(self.targets_of(leaving) & set(draining), self.targets_of(leaving))
        self.eventually(lambda: len([t for t in self.ecs.describe_tasks(cluster="default", tasks=list(before))["tasks"]
                                     if t["lastStatus"] == "STOPPED"]) == 2, 60, "the two drained tasks stopped")
        self.eventually(lambda: self.healthy_targets(1), 30, "one healthy target left")
        messages = self.messages()
        self.assertIn("(service web) has begun draining connections on 2 tasks.", messages)
        self.assertIn(f"(service web) deregistered 2 targets in (target-group {self.tg})", messages)
        stopped_events = [m for m in messages if m.startswith("(service web) has stopped ")]
        self.assertEqual(sum(int(m.split()[4]) for m in stopped_events), 2, stopped_events)
        self.assertEqual(get(self.port)[0], 200)

    def test_stop_task_drains_a_load_balanced_task_as_the_scheduler_would(self):
        self.create_service(2)
        self.wait_stable()
        self.eventually(lambda: self.healthy_targets(2), 30, "both tasks healthy targets")
        victim = self.service_tasks()[0]
        target = self.targets_of([victim]).pop()

        stopped = self.ecs.stop_task(cluster="default", task=victim["taskArn"], reason="maintenance")["task"]

        self.assertEqual((stopped["lastStatus"], stopped["desiredStatus"], stopped["stopCode"], stopped["stoppedReason"]),
                         ("DEACTIVATING", "STOPPED", "UserInitiated", "maintenance"))
        self.eventually(lambda: self.health().get(target, {}).get("State") == "draining", 20, "the stopped task's target draining")
        describe = lambda: self.ecs.describe_tasks(cluster="default", tasks=[victim["taskArn"]])["tasks"][0]
        self.assertEqual(describe()["lastStatus"], "DEACTIVATING")
        self.assertTrue(self.containers_of(victim["taskArn"]), "containers stop only after draining")
        final = self.eventually(lambda: (lambda t: t if t["lastStatus"] == "STOPPED" else None)(describe()), 60, "the drained task stopped")
        self.assertEqual((final["stopCode"], final["stoppedReason"]), ("UserInitiated", "maintenance"))
        self.assertIn(f"(service web) deregistered 1 targets in (target-group {self.tg})", self.messages())
        self.eventually(lambda: self.healthy_targets(2), 60, "the replacement registered and healthy")

    def test_a_task_failing_elb_health_checks_is_stopped_and_replaced(self):
        # /health answers 404 in these tasks: the target turns unhealthy once the grace period is over.
        failing = web_definition("sick", healthCheck=None,
                                 command=["sh", "-c", "rm -f /www/health; exec /usr/local/bin/sample-web"])
        self.register(failing)
        self.create_service(1, definition="sick", grace=4, name="sick")

        def replaced():
            stopped = self.service_tasks("sick", status="STOPPED")
            return [t for t in stopped if t.get("stoppedReason", "").startswith("Task failed ELB")] or None
        task = self.eventually(replaced, 90, "the unhealthy task replaced")[0]
        self.assertEqual(task["stoppedReason"], f"Task failed ELB health checks in (target-group {self.tg})")
        task_id = task["taskArn"].rsplit("/", 1)[1]
        instance, port = next(iter(self.targets_of([task])))
        self.assertIn(f"(service sick) (task {task_id}) (instance {instance}) (port {port}) is unhealthy in "
                      f"(target-group {self.tg}) due to (reason Health checks failed with these codes: [404]).",
                      self.messages_of("sick"))
        self.eventually(lambda: any(t["taskArn"] != task["taskArn"] for t in self.service_tasks("sick")), 30, "a replacement")

    def messages_of(self, name):
        return [e["message"] for e in self.service(name)["events"]]

    def test_a_rolling_deployment_of_six_tasks_drops_no_request(self):
        self.create_service(6)
        self.wait_stable()
        self.eventually(lambda: self.healthy_targets(6), 60, "six healthy targets")
        old = {t["taskArn"] for t in self.service_tasks()}

        with LoadLoop(self.port) as load:
            self.aws("ecs", "update-service", "--cluster", "default", "--service", "web", "--force-new-deployment")
            self.eventually(lambda: self.completed_on(self.web) and not old & {t["taskArn"] for t in self.service_tasks()}
                            and self.healthy_targets(6), 240, "the new deployment completed", interval=1)
        self.assertGreater(load.sent, 50)
        self.assertEqual((load.non_2xx, load.errors), (0, 0), load.failures[:5])
        print(f"\nrolling deployment of 6 tasks: {load.sent} requests, {load.non_2xx} non-2xx, {load.errors} connection errors")

    def test_a_deployment_begun_before_the_first_targets_are_healthy_drops_no_request(self):
        # Issue 14's flow: checks on / every 5 s, healthy after 2; the deployment starts while the first tasks'
        # targets are still initial, so the listener fails open to them and they alone serve the requests.
        self.aws("elbv2", "modify-target-group", "--target-group-arn", self.tg, "--health-check-path", "/")
        v2 = self.register(web_definition("web", healthCheck=None, environment=[{"name": "MESSAGE", "value": "v2"}]))["taskDefinitionArn"]
        self.create_service(3, definition="web:1", grace=0)
        # boto3 and fast polling from here on: the aws CLI takes seconds to start on a busy machine, and the targets
        # stay initial for only about one 5-second interval.
        elb = self.server.client("elbv2")
        states = lambda: [d["TargetHealth"]["State"] for d in elb.describe_target_health(TargetGroupArn=self.tg)["TargetHealthDescriptions"]]
        self.eventually(lambda: self.service()["runningCount"] == 3 and len(states()) == 3, 120, "three tasks RUNNING and registered", interval=0.1)
        old = {t["taskArn"] for t in self.service_tasks()}

        loads = [LoadLoop(self.port) for _ in range(4)]
        with loads[0], loads[1], loads[2], loads[3]:
            before = states()
            self.ecs.update_service(cluster="default", service="web", taskDefinition=v2)
            self.assertEqual(before, ["initial"] * 3)
            self.assertNotIn("healthy", states(), "a target turned healthy before the deployment began")
            self.eventually(lambda: self.completed_on(v2) and not old & {t["taskArn"] for t in self.service_tasks()}
                            and self.healthy_targets(3), 180, "the new deployment completed", interval=1)
        sent = sum(load.sent for load in loads)
        failures = [f for load in loads for f in load.failures]
        self.assertGreater(sent, 50)
        self.assertFalse(failures, f"{len(failures)} of {sent} requests failed, the first: {failures[:5]}")
        print(f"\ndeployment begun while the targets were initial: {sent} requests, none failed")

    def test_create_service_checks_the_target_group(self):
        awsvpc = self.aws("elbv2", "create-target-group", "--name", "ip-tg", "--protocol", "HTTP", "--port", "80",
                          "--target-type", "ip")["TargetGroups"][0]["TargetGroupArn"]
        error = self.aws("ecs", "create-service", "--cluster", "default", "--service-name", "bad", "--task-definition", "web",
                         "--desired-count", "1", "--load-balancers", f"targetGroupArn={awsvpc},containerName=web,containerPort=80",
                         expect_error="InvalidParameterException")
        self.assertIn("does not have an associated load balancer", error)
        self.aws("elbv2", "create-rule", "--listener-arn", self.listener_arn(), "--priority", "10",
                 "--conditions", "Field=path-pattern,Values=/api/*", "--actions", f"Type=forward,TargetGroupArn={awsvpc}")
        error = self.aws("ecs", "create-service", "--cluster", "default", "--service-name", "bad", "--task-definition", "web",
                         "--desired-count", "1", "--load-balancers", f"targetGroupArn={awsvpc},containerName=web,containerPort=80",
                         expect_error="InvalidParameterException")
        self.assertIn("has target type ip, which is incompatible with the bridge network mode", error)

    def test_a_path_rule_sends_its_paths_to_another_service(self):
        self.register(web_definition("web", healthCheck=None, environment=[{"name": "MESSAGE", "value": "from web"}]))
        self.register(web_definition("api", healthCheck=None, environment=[{"name": "MESSAGE", "value": "from api"}]))
        api_tg = self.aws("elbv2", "create-target-group", "--name", "api-tg", "--protocol", "HTTP", "--port", "80",
                          "--target-type", "instance", "--health-check-path", "/health", "--health-check-interval-seconds", "5",
                          "--healthy-threshold-count", "2")["TargetGroups"][0]["TargetGroupArn"]
        self.aws("elbv2", "create-rule", "--listener-arn", self.listener_arn(), "--priority", "5",
                 "--conditions", "Field=path-pattern,Values=/cgi-bin/*", "--actions", f"Type=forward,TargetGroupArn={api_tg}")
        self.create_service(1, definition="web:2")
        self.aws("ecs", "create-service", "--cluster", "default", "--service-name", "api", "--task-definition", "api",
                 "--desired-count", "1", "--load-balancers", f"targetGroupArn={api_tg},containerName=web,containerPort=80")
        self.wait_stable("web")
        self.wait_stable("api")

        def answers():
            try:
                return "message: from web" in get(self.port, "/")[1] and "message: from api" in get(self.port, "/cgi-bin/index.cgi")[1]
            except OSError:
                return False
        self.eventually(answers, 60, "/ answered by web and /cgi-bin/* by api")
        api_targets = self.aws("elbv2", "describe-target-health", "--target-group-arn", api_tg)["TargetHealthDescriptions"]
        self.assertEqual(self.targets_of(self.service_tasks("api")), {(d["Target"]["Id"], d["Target"]["Port"]) for d in api_targets})

    def listener_arn(self):
        return self.aws("elbv2", "describe-listeners", "--load-balancer-arn", self.lb)["Listeners"][0]["ListenerArn"]


class AwsvpcServiceLoadBalancerTest(ServiceTestBase):
    """The issue's tour as written: target type ip, awsvpc tasks registered at their own address and container port."""

    def setUp(self):
        # A subnet of this run's own (id and CIDR), so parallel runs never share a Docker network or an address.
        self.subnet = f"subnet-lb-{os.getpid()}"
        config = tempfile.NamedTemporaryFile("w", suffix=".json", delete=False)
        json.dump({"subnets": [{"subnetId": self.subnet, "vpcId": "vpc-berth-local",
                                "cidrBlock": f"10.201.{random.randint(100, 250)}.0/24"}]}, config)
        config.close()
        self.addCleanup(os.unlink, config.name)
        self.server_args = ["--vpc-config", config.name]
        # Registered first so it runs last, after the server closed and removed the containers.
        self.addCleanup(lambda: self.server.remove_awsvpc_leftovers([self.subnet]))
        super().setUp()

    def test_tour_with_ip_targets(self):
        lb = self.aws("elbv2", "create-load-balancer", "--name", "web-lb", "--type", "application",
                      "--subnets", "subnet-local-a")["LoadBalancers"][0]["LoadBalancerArn"]
        tg = self.aws("elbv2", "create-target-group", "--name", "web-tg", "--protocol", "HTTP", "--port", "80",
                      "--target-type", "ip", "--health-check-path", "/health", "--health-check-interval-seconds", "5",
                      "--healthy-threshold-count", "2")["TargetGroups"][0]["TargetGroupArn"]
        port = free_port()
        self.aws("elbv2", "create-listener", "--load-balancer-arn", lb, "--protocol", "HTTP", "--port", str(port),
                 "--default-actions", f"Type=forward,TargetGroupArn={tg}")
        self.aws("ecs", "register-task-definition", "--family", "web-vpc", "--network-mode", "awsvpc", "--cpu", "256",
                 "--memory", "512", "--container-definitions",
                 json.dumps([{"name": "web", "image": "berth/sample-web", "portMappings": [{"containerPort": 80}]}]))
        self.aws("ecs", "create-service", "--cluster", "default", "--service-name", "web", "--task-definition", "web-vpc",
                 "--desired-count", "2", "--health-check-grace-period-seconds", "10",
                 "--network-configuration", f"awsvpcConfiguration={{subnets=[{self.subnet}],securityGroups=[sg-web],assignPublicIp=DISABLED}}",
                 "--load-balancers", f"targetGroupArn={tg},containerName=web,containerPort=80")
        self.wait_stable()

        addresses = {next(d["value"] for d in t["attachments"][0]["details"] if d["name"] == "privateIPv4Address")
                     for t in self.service_tasks()}

        def health():
            return {(d["Target"]["Id"], d["Target"]["Port"]): d["TargetHealth"]["State"] for d in
                    self.aws("elbv2", "describe-target-health", "--target-group-arn", tg)["TargetHealthDescriptions"]}
        # services-stable counts RUNNING tasks, as on ECS, so the targets may still be "initial" (2 checks 5 s apart).
        wanted = {(a, 80): "healthy" for a in addresses}
        wait_until(lambda: health() == wanted, 60, interval=1)
        self.assertEqual(health(), wanted)
        hosts = {get(port)[1].splitlines()[1] for _ in range(4)}
        self.assertEqual(len(hosts), 2, hosts)


if __name__ == "__main__":
    import unittest
    unittest.main()
