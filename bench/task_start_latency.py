#!/usr/bin/env python3
"""RunTask→RUNNING latency through Berth against raw `docker run -d` of the same image, in one run.

Usage: python3 bench/task_start_latency.py [tasks] [bridge|awsvpc]
  (default 50 bridge; starts its own `berth up` on a free port)
Berth's figure is from the RunTask call until DescribeTasks shows lastStatus RUNNING (polled every 20 ms
with boto3); Docker's is `docker run -d` until `docker inspect` shows the container running. In awsvpc
mode each task runs in subnet-local-a with sg-web: a pause container on the subnet's network first.
"""
import os
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "clients"))
from berth_server import BerthServer  # noqa: E402


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p * len(ordered)) - 1))]


def main():
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    awsvpc = len(sys.argv) > 2 and sys.argv[2] == "awsvpc"
    server = BerthServer(command="up")
    server.start()
    try:
        ecs = server.ecs()
        server.wait_for_local_agent(ecs)
        ecs.register_task_definition(family="latency", networkMode="awsvpc" if awsvpc else "bridge", containerDefinitions=[
            {"name": "web", "image": "berth/sample-web", "memory": 32, "portMappings": [{"containerPort": 80}]}])
        network = {"networkConfiguration": {"awsvpcConfiguration": {"subnets": ["subnet-local-a"], "securityGroups": ["sg-web"]}}} if awsvpc else {}
        berth = []
        for _ in range(count):
            start = time.perf_counter()
            arn = ecs.run_task(taskDefinition="latency", **network)["tasks"][0]["taskArn"]
            while ecs.describe_tasks(tasks=[arn])["tasks"][0]["lastStatus"] != "RUNNING":
                time.sleep(0.02)
            berth.append(time.perf_counter() - start)
            ecs.stop_task(task=arn)
        docker = []
        for _ in range(count):
            start = time.perf_counter()
            cid = subprocess.run(["docker", "run", "-d", "-p", "80", "--label", f"org.berth.agent={server.agent_namespace}",
                                  "berth/sample-web"], capture_output=True, text=True, check=True).stdout.strip()
            while subprocess.run(["docker", "inspect", "-f", "{{.State.Running}}", cid],
                                 capture_output=True, text=True).stdout.strip() != "true":
                time.sleep(0.02)
            docker.append(time.perf_counter() - start)
        for name, values in ((f"berth run-task ({'awsvpc' if awsvpc else 'bridge'})", berth), ("docker run -d", docker)):
            print(f"{name:28} n={len(values)} p50 {percentile(values, 0.5) * 1000:7.0f} ms  "
                  f"p95 {percentile(values, 0.95) * 1000:7.0f} ms  mean {statistics.mean(values) * 1000:7.0f} ms")
        print(f"overhead at p50: {(percentile(berth, 0.5) / percentile(docker, 0.5) - 1) * 100:+.0f}%")
    finally:
        server.close()
        if awsvpc:
            server.remove_awsvpc_leftovers(["subnet-local-a"])


if __name__ == "__main__":
    main()
