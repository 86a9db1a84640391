"""Auto scaling under real load: a service of CPU-burning busybox tasks with a target tracking policy at 50% CPU
scales out on its own, through the aws CLI's application-autoscaling and cloudwatch commands. The alarms keep AWS's
timing (3 one-minute datapoints to scale out); --alarm-evaluation-seconds 5 only makes Berth notice each finished
minute sooner. The time from load start to the scale-out decision and to the new tasks RUNNING is printed for
docs/performance.md."""
import json
import time

from berth_server import BerthServer, wait_until
from berth_test_case import BerthUpTestCase

RESOURCE = "service/default/burn"


class AutoScalingTest(BerthUpTestCase):

    @classmethod
    def setUpClass(cls):
        cls.server = BerthServer(command="up", args=["--alarm-evaluation-seconds", "5"])
        cls.addClassCleanup(cls.server.close)
        cls.server.start()

    def scaling(self, *args, **kwargs):
        return self.aws("application-autoscaling", *args, **kwargs)

    def desired(self):
        return self.aws("ecs", "describe-services", "--cluster", "default", "--services", "burn")["services"][0]["desiredCount"]

    def test_target_tracking_at_50_percent_cpu_scales_a_burning_service_out(self):
        wait_until(lambda: self.aws("ecs", "list-container-instances", "--cluster", "default")["containerInstanceArns"]
                   if "default" in str(self.aws("ecs", "list-clusters")) else None, 60, interval=0.5)
        # 256 CPU units are a quarter of a core: a busy loop uses several times its reservation, far above 50%.
        self.aws("ecs", "register-task-definition", "--family", "burn", "--cpu", "256", "--memory", "64",
                 "--container-definitions", json.dumps([{"name": "burn", "image": "berth/sample-tools", "essential": True,
                                                         "command": ["sh", "-c", "while :; do :; done"]}]))
        self.aws("ecs", "create-service", "--cluster", "default", "--service-name", "burn", "--task-definition", "burn",
                 "--desired-count", "1")
        self.addCleanup(lambda: self.aws("ecs", "delete-service", "--cluster", "default", "--service", "burn", "--force"))
        self.aws("ecs", "wait", "services-stable", "--cluster", "default", "--services", "burn", timeout=300)
        started = time.time()
        self.scaling("register-scalable-target", "--service-namespace", "ecs", "--resource-id", RESOURCE,
                     "--scalable-dimension", "ecs:service:DesiredCount", "--min-capacity", "1", "--max-capacity", "3")
        policy = self.scaling("put-scaling-policy", "--service-namespace", "ecs", "--resource-id", RESOURCE,
                              "--scalable-dimension", "ecs:service:DesiredCount", "--policy-name", "cpu50",
                              "--policy-type", "TargetTrackingScaling", "--target-tracking-scaling-policy-configuration",
                              json.dumps({"TargetValue": 50.0, "PredefinedMetricSpecification":
                                          {"PredefinedMetricType": "ECSServiceAverageCPUUtilization"}}))
        names = [a["AlarmName"] for a in policy["Alarms"]]
        self.assertEqual(len(names), 2)
        self.assertTrue(all(n.startswith(f"TargetTracking-{RESOURCE}-Alarm") for n in names), names)

        # Three whole minutes of datapoints above 50%, each stored 15-25 s after its minute: within about 6 minutes.
        scaled = wait_until(lambda: self.desired() if self.desired() > 1 else None, 480, interval=5)
        decided = time.time()
        self.assertEqual(scaled, 3)  # a quarter-core task burning a core is far past 3 × 50%: the maximum holds
        self.aws("ecs", "wait", "services-stable", "--cluster", "default", "--services", "burn", timeout=300)
        running = time.time()
        high = self.aws("cloudwatch", "describe-alarms", "--alarm-names", *[n for n in names if "AlarmHigh" in n])["MetricAlarms"][0]
        self.assertEqual(high["StateValue"], "ALARM")
        self.assertIn("Threshold Crossed: 3 out of the last 3 datapoints", high["StateReason"])
        activity = self.scaling("describe-scaling-activities", "--service-namespace", "ecs", "--resource-id", RESOURCE)["ScalingActivities"][0]
        self.assertEqual(activity["Description"], "Setting desired count to 3.")
        self.assertIn("triggered policy cpu50", activity["Cause"])
        events = self.aws("ecs", "describe-services", "--cluster", "default", "--services", "burn")["services"][0]["events"]
        self.assertTrue(any("has started" in e["message"] for e in events), events)
        print(f"\nscale-out decision {decided - started:.0f} s after the policy was put; 3 tasks RUNNING after {running - started:.0f} s")
