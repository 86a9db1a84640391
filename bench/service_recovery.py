#!/usr/bin/env python3
"""Service scheduler timings with real containers, through `berth up` on a free port.

Usage: python3 bench/service_recovery.py [kills] [rolling-tasks]   (defaults 20 and 50)

1. Replacement: a service of 3 `berth/sample-web` tasks; each round `docker kill`s one task's container and
   times until DescribeTasks shows a new task of the service RUNNING (boto3, 20 ms polling).
2. Rolling deployment: a service of N tasks (no health check, so ECS's 40 s warm-up rule applies; maximumPercent
   200, minimumHealthyPercent 50) is moved to a new revision; timed from UpdateService until the new deployment
   is COMPLETED and the old one gone.
"""
import os
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "clients"))
from berth_server import BerthServer, wait_for  # noqa: E402


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p * len(ordered)) - 1))]


def wait(check, seconds=600):
    return wait_for(check, seconds, interval=0.02)


def running_tasks(ecs, service):
    arns = ecs.list_tasks(cluster="default", serviceName=service)["taskArns"]
    tasks = ecs.describe_tasks(cluster="default", tasks=arns)["tasks"] if arns else []
    return {t["taskArn"]: t for t in tasks if t["lastStatus"] == "RUNNING"}


def container_of(task_arn):
    return subprocess.run(["docker", "ps", "-q", "--filter", f"label=com.amazonaws.ecs.task-arn={task_arn}"],
                          capture_output=True, text=True).stdout.split()


def web(ecs, family, message, memory=32):
    ecs.register_task_definition(family=family, containerDefinitions=[{
        "name": "web", "image": "berth/sample-web", "memory": memory, "portMappings": [{"containerPort": 80}],
        "environment": [{"name": "MESSAGE", "value": message}]}])


def replacement_times(ecs, kills):
    web(ecs, "heal", "v1")
    ecs.create_service(cluster="default", serviceName="heal", taskDefinition="heal", desiredCount=3)
    wait(lambda: len(running_tasks(ecs, "heal")) == 3)
    times = []
    for _ in range(kills):
        before = running_tasks(ecs, "heal")
        victim = next(iter(before))
        start = time.perf_counter()
        subprocess.run(["docker", "kill", *container_of(victim)], capture_output=True, check=True)
        wait(lambda: any(arn not in before for arn in running_tasks(ecs, "heal")))
        times.append(time.perf_counter() - start)
        wait(lambda: len(running_tasks(ecs, "heal")) == 3)
    ecs.update_service(cluster="default", service="heal", desiredCount=0)
    return times


def rolling_time(ecs, count):
    web(ecs, "roll", "v1", memory=16)
    ecs.create_service(cluster="default", serviceName="roll", taskDefinition="roll:1", desiredCount=count,
                       deploymentConfiguration={"maximumPercent": 200, "minimumHealthyPercent": 50})
    wait(lambda: ecs.describe_services(cluster="default", services=["roll"])["services"][0]["deployments"][0]["rolloutState"] == "COMPLETED")
    web(ecs, "roll", "v2", memory=16)
    start = time.perf_counter()
    ecs.update_service(cluster="default", service="roll", taskDefinition="roll:2")

    def completed():
        deployments = ecs.describe_services(cluster="default", services=["roll"])["services"][0]["deployments"]
        return len(deployments) == 1 and deployments[0]["rolloutState"] == "COMPLETED"
    wait(completed)
    return time.perf_counter() - start


def main():
    kills = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    rolling = int(sys.argv[2]) if len(sys.argv) > 2 else 50
    server = BerthServer(command="up")
    server.start()
    try:
        ecs = server.ecs()
        server.wait_for_local_agent(ecs)
        times = replacement_times(ecs, kills)
        print(f"docker kill → replacement RUNNING  n={len(times)} p50 {percentile(times, 0.5) * 1000:6.0f} ms  "
              f"p95 {percentile(times, 0.95) * 1000:6.0f} ms  mean {statistics.mean(times) * 1000:6.0f} ms")
        total = rolling_time(ecs, rolling)
        print(f"rolling deployment of {rolling} tasks: {total:.1f} s")
    finally:
        server.close()


if __name__ == "__main__":
    main()
