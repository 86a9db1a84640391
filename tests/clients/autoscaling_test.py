"""Auto scaling under real load, through the aws CLI's application-autoscaling, cloudwatch, ecs and elbv2 commands.

The alarms keep AWS's rules (3 one-minute datapoints above the target to scale out, 15 below 90% of it to scale in),
but the server runs with --test-minute-seconds 5: a minute of metric time lasts 5 s, so scaling out takes about 20 s
and scaling in about 80 s instead of 3 and 15 minutes. Cooldowns stay in real seconds (300 s by default) and, as on
AWS, a scale-out's cooldown does not hold back the scale-in that follows. The times from the policies to the scale-out
decisions and from the load's end to the scale-in are printed (docs/performance.md).
"""
import json
import os
import tempfile
import time
from datetime import datetime

from berth_server import BerthServer, free_port, wait_until
from berth_test_case import BerthUpTestCase
from service_lb_test import LoadLoop
from services_test import web_definition

MINUTE_SECONDS = 5


def moment(timestamp):
    """A timestamp of the aws CLI's output (epoch seconds, or ISO 8601 with cli_timestamp_format iso8601) in epoch seconds."""
    return timestamp if isinstance(timestamp, (int, float)) else datetime.fromisoformat(timestamp).timestamp()


class AutoScalingTest(BerthUpTestCase):

    @classmethod
    def setUpClass(cls):
        cls.server = BerthServer(command="up", args=["--test-minute-seconds", str(MINUTE_SECONDS)])
        cls.addClassCleanup(cls.server.close)
        cls.server.start()
        cls.server.wait_for_local_agent(cls.server.ecs())

    def scaling(self, *args, **kwargs):
        return self.aws("application-autoscaling", *args, **kwargs)

    def service(self, name):
        return self.aws("ecs", "describe-services", "--cluster", "default", "--services", name)["services"][0]

    def wait_stable(self, name):
        self.aws("ecs", "wait", "services-stable", "--cluster", "default", "--services", name, timeout=300)

    def eventually(self, check, seconds, what):
        return wait_until(check, seconds, interval=1) or self.fail(f"{what} did not happen within {seconds} s")

    def register(self, definition):
        with tempfile.NamedTemporaryFile("w", suffix=".json", dir=self.server.data_dir, delete=False) as f:
            json.dump(definition, f)
        self.addCleanup(os.remove, f.name)
        return self.aws("ecs", "register-task-definition", "--cli-input-json", f"file://{f.name}")["taskDefinition"]["taskDefinitionArn"]

    def track(self, name, target, metric, maximum):
        """A scalable target of 1 to `maximum` tasks and a target tracking policy on `metric`; the policy's alarm names."""
        resource = f"service/default/{name}"
        self.scaling("register-scalable-target", "--service-namespace", "ecs", "--resource-id", resource,
                     "--scalable-dimension", "ecs:service:DesiredCount", "--min-capacity", "1", "--max-capacity", str(maximum))
        policy = self.scaling("put-scaling-policy", "--service-namespace", "ecs", "--resource-id", resource,
                              "--scalable-dimension", "ecs:service:DesiredCount", "--policy-name", f"{name}-tracking",
                              "--policy-type", "TargetTrackingScaling", "--target-tracking-scaling-policy-configuration",
                              json.dumps({"TargetValue": target, "PredefinedMetricSpecification": metric}))
        names = sorted(a["AlarmName"] for a in policy["Alarms"])
        self.assertEqual(len(names), 2)
        self.assertTrue(all(n.startswith(f"TargetTracking-{resource}-Alarm") for n in names), names)
        return names  # AlarmHigh, AlarmLow

    def alarm(self, name):
        return self.aws("cloudwatch", "describe-alarms", "--alarm-names", name)["MetricAlarms"][0]

    def activities(self, name):
        return self.scaling("describe-scaling-activities", "--service-namespace", "ecs",
                            "--resource-id", f"service/default/{name}")["ScalingActivities"]

    def scaled_to(self, name, count):
        return lambda: self.service(name)["desiredCount"] == count

    def burning_service(self):
        """Service "burn" of one busybox task in a busy loop, RUNNING; the ARNs of its burning and of an idle revision."""
        # 128 CPU units are an eighth of a core: a busy loop uses several times its reservation, far above 50%, even on a
        # machine so busy that it gets a sixth of a core. A shell as PID 1 ignores SIGTERM: stopTimeout 2 ends the
        # burning at once when the task stops, instead of after ECS's 30 s.
        burn = self.register({"family": "burn", "cpu": "128", "memory": "64", "containerDefinitions": [
            {"name": "burn", "image": "berth/sample-tools", "essential": True, "stopTimeout": 2,
             "command": ["sh", "-c", "while :; do :; done"]}]})
        idle = self.register({"family": "burn", "cpu": "128", "memory": "64", "containerDefinitions": [
            {"name": "burn", "image": "berth/sample-tools", "essential": True, "stopTimeout": 2, "command": ["sleep", "3600"]}]})
        self.aws("ecs", "create-service", "--cluster", "default", "--service-name", "burn", "--task-definition", burn,
                 "--desired-count", "1")
        self.addCleanup(lambda: self.aws("ecs", "delete-service", "--cluster", "default", "--service", "burn", "--force"))
        return burn, idle

    def web_behind_a_load_balancer(self):
        """Service "web" of one sample-web task behind a listener, its target healthy; the listener's port and the
        target tracking ResourceLabel of the load balancer and target group."""
        lb = self.aws("elbv2", "create-load-balancer", "--name", "scale-lb", "--type", "application",
                      "--subnets", "subnet-local-a")["LoadBalancers"][0]["LoadBalancerArn"]
        tg = self.aws("elbv2", "create-target-group", "--name", "scale-tg", "--protocol", "HTTP", "--port", "80",
                      "--target-type", "instance", "--health-check-path", "/health",
                      "--health-check-interval-seconds", "5", "--health-check-timeout-seconds", "2",
                      "--healthy-threshold-count", "2")["TargetGroups"][0]["TargetGroupArn"]
        port = free_port()
        self.aws("elbv2", "create-listener", "--load-balancer-arn", lb, "--protocol", "HTTP", "--port", str(port),
                 "--default-actions", f"Type=forward,TargetGroupArn={tg}")
        web = self.register(web_definition("scale-web", healthCheck=None))
        self.aws("ecs", "create-service", "--cluster", "default", "--service-name", "web", "--task-definition", web,
                 "--desired-count", "1", "--load-balancers", f"targetGroupArn={tg},containerName=web,containerPort=80")
        self.addCleanup(lambda: self.aws("ecs", "delete-service", "--cluster", "default", "--service", "web", "--force"))
        self.eventually(lambda: [d for d in self.aws("elbv2", "describe-target-health", "--target-group-arn", tg)["TargetHealthDescriptions"]
                                 if d["TargetHealth"]["State"] == "healthy"], 120, "the web task's target healthy")
        # ELB's label: the load balancer's and the target group's ARN resource parts.
        label = f"{lb.split(':loadbalancer/')[1]}/{tg.split(':')[-1]}"
        self.assertRegex(label, r"^app/scale-lb/[0-9a-f]+/targetgroup/scale-tg/[0-9a-f]+$")
        return port, label

    def assert_scaled_by(self, name, alarm, datapoints, count=None):
        """The alarm crossed its threshold with `datapoints` datapoints, and the newest activity, by the policy on that
        alarm, set the service's desired count (`count`, or whatever it is: a larger scale-out may follow the first)."""
        # The transition's reason, from the history: the alarm itself may be back in OK once the scale-out lowered the
        # average (the newest transition to ALARM is the one that triggered the policy).
        transitions = self.aws("cloudwatch", "describe-alarm-history", "--alarm-name", alarm,
                               "--history-item-type", "StateUpdate")["AlarmHistoryItems"]
        reasons = [json.loads(t["HistoryData"])["newState"]["stateReason"] for t in transitions
                   if json.loads(t["HistoryData"])["newState"]["stateValue"] == "ALARM"]
        self.assertTrue(reasons, f"{alarm} never went into ALARM: {transitions}")
        self.assertIn(f"Threshold Crossed: {datapoints} out of the last {datapoints} datapoints", reasons[0])
        activity = self.eventually(lambda: (lambda a, d: a if a["Description"] == f"Setting desired count to {d}." else None)(
            self.activities(name)[0], self.service(name)["desiredCount"]), 30, f"the activity of {name}'s count")
        if count is not None:
            self.assertEqual(activity["Description"], f"Setting desired count to {count}.")
        self.assertEqual(activity["StatusCode"], "Successful")
        self.assertIn(f"monitor alarm {alarm} in state ALARM triggered policy {name}-tracking", activity["Cause"])
        return activity

    def test_cpu_and_request_load_scale_services_out_and_cpu_scales_back_in_when_the_load_stops(self):
        # Both scenarios share the wait: a service burning CPU (target tracking at 50% CPU) and one behind the load
        # balancer under a request loop (ALBRequestCountPerTarget at 10) scale out at the same time; then the CPU load
        # stops and that service scales back in.
        _, idle = self.burning_service()
        port, label = self.web_behind_a_load_balancer()
        self.wait_stable("burn")
        started = time.time()
        cpu_high, cpu_low = self.track("burn", 50.0, {"PredefinedMetricType": "ECSServiceAverageCPUUtilization"}, 3)
        # Ten requests a metric minute per target: one client looping on the listener sends far more.
        requests_high, _ = self.track("web", 10.0, {"PredefinedMetricType": "ALBRequestCountPerTarget", "ResourceLabel": label}, 2)

        # Three metric minutes above the target, each evaluated half a minute after it ends: ceil(1 × metric / target).
        with LoadLoop(port) as load:
            self.eventually(lambda: self.service("burn")["desiredCount"] > 1, 40 * MINUTE_SECONDS, "the CPU scale-out")
            cpu_decided = time.time()
            self.eventually(self.scaled_to("web", 2), 40 * MINUTE_SECONDS, "the request count scale-out to 2")
            requests_decided = time.time()
        self.assertGreater(load.ok, 0, load.failures[:5])
        self.wait_stable("burn")
        self.wait_stable("web")
        self.assertEqual(self.alarm(requests_high)["MetricName"], "RequestCountPerTarget")
        self.assert_scaled_by("web", requests_high, 3, count=2)
        self.assert_scaled_by("burn", cpu_high, 3)
        messages = [e["message"] for e in self.service("burn")["events"]]
        self.assertTrue(any(m.startswith("(service burn) has started ") for m in messages), messages)

        # The CPU load stops: the tasks are replaced by idle ones (the burning ones stopped first, without waiting for the
        # new ones), and 15 metric minutes below 45% scale the service in, although the scale-out's 300 s cooldown (real
        # time) is still running.
        load_stopped = time.time()
        self.aws("ecs", "update-service", "--cluster", "default", "--service", "burn", "--task-definition", idle,
                 "--deployment-configuration", "minimumHealthyPercent=0,maximumPercent=100")
        self.eventually(self.scaled_to("burn", 1), 80 * MINUTE_SECONDS, "the scale-in to 1")
        scaled_in = time.time()
        latest = self.assert_scaled_by("burn", cpu_low, 15, count=1)
        # The deployment stopped the burning tasks before; the scale-in stops idle ones after its activity.
        since = moment(latest["StartTime"])
        self.eventually(lambda: any(e["message"].startswith("(service burn) has stopped ") and moment(e["createdAt"]) >= since
                                    for e in self.service("burn")["events"]), 60, "the scale-in's service event")
        print(f"\nafter the policies were put ({MINUTE_SECONDS} s minutes): CPU scale-out decision {cpu_decided - started:.0f} s, "
              f"request count scale-out decision {requests_decided - started:.0f} s ({load.ok} requests); "
              f"CPU scale-in {scaled_in - load_stopped:.0f} s after the load stopped")
