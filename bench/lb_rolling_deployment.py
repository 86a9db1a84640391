#!/usr/bin/env python3
"""Requests through a Berth listener during rolling deployments of a load-balanced service, with real containers.

Usage: python3 bench/lb_rolling_deployment.py [tasks] [clients] [deployments]   (defaults 6, 4 and 1)

`berth up` on a free port; an application load balancer with an HTTP listener on a free 127.0.0.1 port forwarding
to an `instance` target group (health checks every 5 s on /health, healthy after 2, deregistration delay 5 s);
a service of N `berth/sample-web` tasks (bridge, no container health check, maximumPercent 200,
minimumHealthyPercent 100). Once every target is healthy, `clients` threads send GET / in a loop, each on its own
keep-alive connection (a new one after an error), while the service is moved through `deployments`
UpdateService --force-new-deployment rollouts, each until the new deployment is COMPLETED with N healthy targets.
Prints requests sent, non-2xx responses, connection errors, requests/s and latency percentiles.
"""
import http.client
import os
import statistics
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "clients"))
from berth_server import BerthServer, free_port, wait_until  # noqa: E402


def wait(check, seconds=600):
    if not wait_until(check, seconds, interval=0.25):
        raise TimeoutError("gave up waiting")


class Client(threading.Thread):
    def __init__(self, port, stop):
        super().__init__(daemon=True)
        self.port, self.stop = port, stop
        self.sent = self.non_2xx = self.errors = 0
        self.latencies = []

    def run(self):
        connection = None
        while not self.stop.is_set():
            connection = connection or http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
            self.sent += 1
            start = time.perf_counter()
            try:
                connection.request("GET", "/")
                response = connection.getresponse()
                response.read()
                self.latencies.append(time.perf_counter() - start)
                if not 200 <= response.status < 300:
                    self.non_2xx += 1
            except (OSError, http.client.HTTPException):
                self.errors += 1
                connection.close()
                connection = None


def main():
    tasks = int(sys.argv[1]) if len(sys.argv) > 1 else 6
    clients = int(sys.argv[2]) if len(sys.argv) > 2 else 4
    deployments = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    server = BerthServer(command="up")
    try:
        server.start()
        ecs = server.ecs()
        server.wait_for_local_agent(ecs)
        import boto3
        elb = boto3.client("elbv2", endpoint_url=server.endpoint, region_name="us-east-1",
                           aws_access_key_id="test", aws_secret_access_key="test")
        lb = elb.create_load_balancer(Name="bench-lb", Type="application", Subnets=["subnet-local-a"])["LoadBalancers"][0]
        tg = elb.create_target_group(Name="bench-tg", Protocol="HTTP", Port=80, TargetType="instance", HealthCheckPath="/health",
                                     HealthCheckIntervalSeconds=5, HealthyThresholdCount=2)["TargetGroups"][0]["TargetGroupArn"]
        elb.modify_target_group_attributes(TargetGroupArn=tg, Attributes=[{"Key": "deregistration_delay.timeout_seconds", "Value": "5"}])
        port = free_port()
        elb.create_listener(LoadBalancerArn=lb["LoadBalancerArn"], Protocol="HTTP", Port=port,
                            DefaultActions=[{"Type": "forward", "TargetGroupArn": tg}])
        ecs.register_task_definition(family="bench-web", containerDefinitions=[{
            "name": "web", "image": "berth/sample-web", "memory": 32, "portMappings": [{"containerPort": 80}]}])
        ecs.create_service(cluster="default", serviceName="web", taskDefinition="bench-web", desiredCount=tasks,
                           healthCheckGracePeriodSeconds=10,
                           deploymentConfiguration={"maximumPercent": 200, "minimumHealthyPercent": 100},
                           loadBalancers=[{"targetGroupArn": tg, "containerName": "web", "containerPort": 80}])

        def settled():
            service = ecs.describe_services(cluster="default", services=["web"])["services"][0]
            health = elb.describe_target_health(TargetGroupArn=tg)["TargetHealthDescriptions"]
            return (len(service["deployments"]) == 1 and service["deployments"][0]["rolloutState"] == "COMPLETED"
                    and service["runningCount"] == tasks and len(health) == tasks
                    and all(h["TargetHealth"]["State"] == "healthy" for h in health))
        wait(settled)

        stop = threading.Event()
        load = [Client(port, stop) for _ in range(clients)]
        started = time.perf_counter()
        for c in load:
            c.start()
        rollouts = []
        for _ in range(deployments):
            begin = time.perf_counter()
            ecs.update_service(cluster="default", service="web", forceNewDeployment=True)
            time.sleep(1)
            wait(settled)
            rollouts.append(time.perf_counter() - begin)
        stop.set()
        for c in load:
            c.join(30)
        elapsed = time.perf_counter() - started
        latencies = sorted(x for c in load for x in c.latencies)
        sent = sum(c.sent for c in load)
        print(f"tasks {tasks}, clients {clients}, deployments {deployments}, load average {os.getloadavg()[0]:.1f}")
        print(f"rollout time per deployment: {', '.join(f'{r:.1f} s' for r in rollouts)}")
        print(f"requests sent: {sent}")
        print(f"non-2xx responses: {sum(c.non_2xx for c in load)}")
        print(f"connection errors: {sum(c.errors for c in load)}")
        print(f"requests/s: {sent / elapsed:.0f}")
        if latencies:
            p = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000  # noqa: E731
            print(f"latency ms: p50 {p(0.5):.1f}, p99 {p(0.99):.1f}, max {latencies[-1] * 1000:.1f}, mean {statistics.mean(latencies) * 1000:.1f}")
    finally:
        server.close()


if __name__ == "__main__":
    main()
