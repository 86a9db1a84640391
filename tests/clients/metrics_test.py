"""CloudWatch metrics with real containers: `berth up` runs a CPU-burning and an idle task, the aws CLI
(which speaks RPC v2 CBOR to CloudWatch) reads their AWS/ECS CPUUtilization, and /metrics shows the server's own;
with Container Insights turned on, a service's task counts arrive in ECS/ContainerInsights."""
import datetime
import json
import time
import unittest
import urllib.request

from berth_server import wait_until
from berth_test_case import BerthUpTestCase


def iso(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


class MetricsTest(BerthUpTestCase):

    def window(self):
        now = datetime.datetime.now(datetime.timezone.utc)
        return iso(now - datetime.timedelta(minutes=15)), iso(now + datetime.timedelta(minutes=1))

    def statistics(self, namespace, name, dimensions, *stats, window=None):
        start, end = window or self.window()
        return self.aws("cloudwatch", "get-metric-statistics", "--namespace", namespace, "--metric-name", name,
                        "--dimensions", *[f"Name={k},Value={v}" for k, v in dimensions],
                        "--statistics", *stats, "--start-time", start, "--end-time", end, "--period", "60")["Datapoints"]

    def data(self, namespace, name, dimensions, stat, window=None):
        start, end = window or self.window()
        query = [{"Id": "q", "MetricStat": {"Metric": {"Namespace": namespace, "MetricName": name,
                  "Dimensions": [{"Name": k, "Value": v} for k, v in dimensions]}, "Period": 60, "Stat": stat}}]
        return self.aws("cloudwatch", "get-metric-data", "--metric-data-queries", json.dumps(query),
                        "--start-time", start, "--end-time", end, "--scan-by", "TimestampAscending")["MetricDataResults"][0]

    def assert_both_apis_agree(self, namespace, name, dimensions, stat):
        """GetMetricStatistics and GetMetricData give the same points over one window. The server publishes a new
        minute at any moment, so the pair is read again until the statistics read before and after the GetMetricData
        read are the same (then nothing was published in between)."""
        window = self.window()
        for _ in range(5):
            points = self.statistics(namespace, name, dimensions, stat, window=window)
            result = self.data(namespace, name, dimensions, stat, window=window)
            if self.statistics(namespace, name, dimensions, stat, window=window) == points:
                break
        ordered = sorted(points, key=lambda p: p["Timestamp"])
        self.assertEqual([p["Timestamp"] for p in ordered], result["Timestamps"])
        for point, value in zip(ordered, result["Values"]):
            self.assertAlmostEqual(point[stat], value, places=6)

    def test_put_metric_data_reads_back_the_same_through_both_apis(self):
        for value in (10, 20, 60):
            self.aws("cloudwatch", "put-metric-data", "--namespace", "ClientTest", "--metric-name", "Latency",
                     "--dimensions", "Service=web", "--value", str(value), "--unit", "Milliseconds")
        points = self.statistics("ClientTest", "Latency", [("Service", "web")], "Average", "Maximum", "SampleCount")
        self.assertEqual(sum(p["SampleCount"] for p in points), 3)
        self.assertEqual(max(p["Maximum"] for p in points), 60)
        self.assert_both_apis_agree("ClientTest", "Latency", [("Service", "web")], "Average")
        listed = self.aws("cloudwatch", "list-metrics", "--namespace", "ClientTest")["Metrics"]
        self.assertEqual([m["MetricName"] for m in listed], ["Latency"])
        self.aws("cloudwatch", "put-metric-data", "--namespace", "AWS/ECS", "--metric-name", "x", "--value", "1",
                 expect_error="InvalidParameterValue")

    def wait_for_agent(self):
        registered = wait_until(lambda: self.aws("ecs", "list-container-instances", "--cluster", "default")["containerInstanceArns"]
                                if "default" in str(self.aws("ecs", "list-clusters")) else None, 60, interval=0.5)
        self.assertTrue(registered, "the local agent did not register")

    def latest(self, name, dimensions, stat="Maximum"):
        points = sorted(self.statistics("ECS/ContainerInsights", name, dimensions, stat), key=lambda p: p["Timestamp"])
        return points[-1][stat] if points else None

    def test_container_insights_counts_follow_the_cluster_setting(self):
        self.wait_for_agent()
        cluster = ("ClusterName", "default")
        service = ("ServiceName", "insights")
        self.aws("ecs", "register-task-definition", "--family", "metrics-insights", "--container-definitions",
                 json.dumps([{"name": "sleep", "image": "berth/sample-tools", "memory": 16, "command": ["sleep", "3600"]}]))
        self.aws("ecs", "create-service", "--cluster", "default", "--service-name", "insights",
                 "--task-definition", "metrics-insights", "--desired-count", "2")
        self.addCleanup(lambda: self.aws("ecs", "delete-service", "--cluster", "default", "--service", "insights", "--force"))
        self.aws("ecs", "wait", "services-stable", "--cluster", "default", "--services", "insights", timeout=300)
        # Off by default: nothing is published.
        time.sleep(12)
        self.assertIsNone(self.latest("RunningTaskCount", [cluster, service]))

        settings = self.aws("ecs", "update-cluster-settings", "--cluster", "default",
                            "--settings", "name=containerInsights,value=enabled")["cluster"]["settings"]
        self.assertEqual(settings, [{"name": "containerInsights", "value": "enabled"}])
        running = wait_until(lambda: self.latest("RunningTaskCount", [cluster, service]), 60, interval=2)
        self.assertEqual(running, 2)
        self.assertEqual(self.latest("DesiredTaskCount", [cluster, service]), 2)
        self.assertEqual(self.latest("PendingTaskCount", [cluster, service]), 0)
        self.assertEqual(self.latest("DeploymentCount", [cluster, service]), 1)
        self.assertEqual(self.latest("ContainerInstanceCount", [cluster]), 1)
        self.assertEqual(self.latest("ServiceCount", [cluster]), 1)
        self.assertGreaterEqual(self.latest("TaskCount", [cluster]), 2)
        points = self.statistics("ECS/ContainerInsights", "RunningTaskCount", [cluster, service], "Maximum")
        self.assertTrue(all(p["Unit"] == "Count" for p in points), points)
        self.assert_both_apis_agree("ECS/ContainerInsights", "RunningTaskCount", [cluster, service], "Maximum")
        listed = self.aws("cloudwatch", "list-metrics", "--namespace", "ECS/ContainerInsights")["Metrics"]
        self.assertIn({"Namespace": "ECS/ContainerInsights", "MetricName": "DesiredTaskCount",
                       "Dimensions": [{"Name": "ClusterName", "Value": "default"}, {"Name": "ServiceName", "Value": "insights"}]}, listed)

        # The account default turns it on for clusters created afterwards.
        self.aws("ecs", "put-account-setting-default", "--name", "containerInsights", "--value", "enabled")
        self.addCleanup(lambda: self.aws("ecs", "put-account-setting-default", "--name", "containerInsights", "--value", "disabled"))
        created = self.aws("ecs", "create-cluster", "--cluster-name", "insights-empty")["cluster"]
        self.addCleanup(lambda: self.aws("ecs", "delete-cluster", "--cluster", "insights-empty"))
        self.assertEqual(created["settings"], [{"name": "containerInsights", "value": "enabled"}])
        empty = ("ClusterName", "insights-empty")
        self.assertEqual(wait_until(lambda: self.latest("ContainerInstanceCount", [empty], "SampleCount"), 30, interval=2), 1)
        self.assertEqual(self.latest("TaskCount", [empty]), 0)

    def test_a_burning_task_shows_its_share_and_an_idle_one_stays_near_zero(self):
        for family, command in (("burn", "while :; do :; done"), ("idle", "sleep 3600")):
            self.aws("ecs", "register-task-definition", "--family", f"metrics-{family}", "--cpu", "1024", "--memory", "128",
                     "--container-definitions", json.dumps([{"name": family, "image": "berth/sample-tools",
                                                             "essential": True, "command": ["sh", "-c", command]}]))
        self.wait_for_agent()
        arns = [self.aws("ecs", "run-task", "--cluster", "default", "--task-definition", f"metrics-{family}",
                         "--group", f"service:{family}")["tasks"][0]["taskArn"] for family in ("burn", "idle")]
        self.aws("ecs", "wait", "tasks-running", "--cluster", "default", "--tasks", *arns)

        # A minute is published 15 s after it ends; the first full minute of samples needs up to ~2.5 minutes.
        cluster = ("ClusterName", "default")
        deadline = time.time() + 240
        while not self.statistics("AWS/ECS", "CPUUtilization", [cluster, ("ServiceName", "idle")], "Average"):
            self.assertLess(time.time(), deadline, "no CPUUtilization datapoint within 4 minutes")
            time.sleep(10)
        time.sleep(70)  # one more whole minute, so at least one minute holds samples from start to end

        burn = self.statistics("AWS/ECS", "CPUUtilization", [cluster, ("ServiceName", "burn")], "Average", "Maximum")
        idle = self.statistics("AWS/ECS", "CPUUtilization", [cluster, ("ServiceName", "idle")], "Average", "Maximum")
        # A busy loop keeps one core (1024 units = its whole reservation) busy; on a shared test machine it gets
        # much less (12% of its reservation at a load average of 30 on 2 cores), so the bounds are loose, but the
        # burning task's share is well above zero and far above the idle task's.
        burning, idling = max(p["Average"] for p in burn), max(p["Maximum"] for p in idle)
        self.assertLess(idling, 2, idle)
        self.assertGreater(burning, max(5, 5 * idling), burn)
        for points, service in ((burn, "burn"), (idle, "idle")):
            self.assert_both_apis_agree("AWS/ECS", "CPUUtilization", [cluster, ("ServiceName", service)], "Average")
            self.assertTrue(all(p["Unit"] == "Percent" for p in points))
        memory = self.statistics("AWS/ECS", "MemoryUtilization", [cluster, ("ServiceName", "idle")], "Average")
        self.assertTrue(memory and all(0 < p["Average"] < 100 for p in memory), memory)
        self.assertTrue(self.statistics("AWS/ECS", "CPUUtilization", [cluster], "Average"))

        with urllib.request.urlopen(f"{self.server.endpoint}/metrics", timeout=5) as response:
            text = response.read().decode()
        # berth up's local agent and its managed Fargate agent.
        self.assertIn("berth_agents_connected 2", text)
        self.assertIn('berth_tasks{state="RUNNING"} 2', text)
        self.assertIn("berth_scheduler_placements_total", text)


if __name__ == "__main__":
    unittest.main()
