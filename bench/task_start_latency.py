#!/usr/bin/env python3
"""RunTask→RUNNING latency through Berth against raw `docker run -d` of the same image, in one run.

Usage: python3 bench/task_start_latency.py [tasks] [bridge|awsvpc|fargate]
  (default 50 bridge; starts its own `berth up` on a free port)
Berth's figure is from the RunTask call until DescribeTasks shows lastStatus RUNNING (polled every 20 ms
with boto3); Docker's is `docker run -d` until `docker inspect` shows the container running. The two are
interleaved (one Berth task, then one `docker run`, and again), so a machine whose load changes during the
run weighs on both alike. Nothing is stopped until the end: both sides start with the same number of
running containers, and no stop or removal runs in Docker during a measurement. In awsvpc mode each task
runs in subnet-local-a with sg-web: a pause container on the subnet's network first. Fargate mode is awsvpc with
launch type FARGATE (0.25 vCPU, 512 MiB) on the managed pool, which is the whole machine (`berth up` refuses a pool
larger than it): four tasks per core. When the pool is full, the oldest Berth task and the oldest `docker run`
container are stopped, and their stops waited for, before the next pair, so both sides still run as many containers
and no stop overlaps a measurement.

Berth's time is also split into phases, from the task's own timestamps (server and agent share this clock)
and Docker's container times, read after each measurement (`docker run -d` likewise: cli = the call until
Docker's Created time, start = Created → StartedAt, observe = the rest):
  api      RunTask call → the server records the task (createdAt)
  wake     createdAt → the agent begins the task (pullStartedAt): commit, poll answer, agent reconcile
  image    pullStartedAt → pullStoppedAt: the image check (no pull: the image is local)
  create   pullStoppedAt → Docker's container Created time
  start    Created → Docker's State.StartedAt (includes the awsvpc pause container in awsvpc mode)
  agent    StartedAt → the agent decides RUNNING (startedAt): the start call returning, its inspect
  report   startedAt → the server commits the RUNNING report (connectivityAt)
  observe  connectivityAt → the bench's DescribeTasks sees RUNNING (its polling)
"""
import datetime
import json
import os
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "clients"))
from berth_server import BerthServer  # noqa: E402

PHASES = ("api", "wake", "image", "create", "start", "agent", "report", "observe")


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p * len(ordered)) - 1))]


def docker_time(text):
    """Docker's RFC 3339 time with nanoseconds, as epoch seconds (Python parses microseconds at most)."""
    date, _, fraction = text.rstrip("Z").partition(".")
    whole = datetime.datetime.fromisoformat(date).replace(tzinfo=datetime.timezone.utc).timestamp()
    return whole + (float("0." + fraction) if fraction else 0.0)


def phases(sent, seen, task, container):
    """Berth's time split at the task's and the container's timestamps (see the module docstring)."""
    marks = [sent, task["createdAt"].timestamp(), task["pullStartedAt"].timestamp(), task["pullStoppedAt"].timestamp(),
             docker_time(container["Created"]), docker_time(container["State"]["StartedAt"]), task["startedAt"].timestamp(),
             task["connectivityAt"].timestamp(), seen]
    return {name: marks[i + 1] - marks[i] for i, name in enumerate(PHASES)}


def run_berth(ecs, network):
    sent = time.time()
    start = time.perf_counter()
    arn = ecs.run_task(taskDefinition="latency", **network)["tasks"][0]["taskArn"]
    while (task := ecs.describe_tasks(tasks=[arn])["tasks"][0])["lastStatus"] != "RUNNING":
        time.sleep(0.02)
    elapsed = time.perf_counter() - start
    seen = time.time()
    return arn, elapsed, phases(sent, seen, task, inspect(task["containers"][0]["runtimeId"]))


def run_docker(namespace):
    sent = time.time()
    start = time.perf_counter()
    cid = subprocess.run(["docker", "run", "-d", "-p", "80", "--label", f"org.berth.agent={namespace}", "berth/sample-web"],
                         capture_output=True, text=True, check=True).stdout.strip()
    while subprocess.run(["docker", "inspect", "-f", "{{.State.Running}}", cid], capture_output=True, text=True).stdout.strip() != "true":
        time.sleep(0.02)
    elapsed = time.perf_counter() - start
    seen = time.time()
    container = inspect(cid)
    created, started = docker_time(container["Created"]), docker_time(container["State"]["StartedAt"])
    return cid, elapsed, {"cli": created - sent, "start": started - created, "observe": seen - started}


def inspect(container_id):
    result = subprocess.run(["docker", "inspect", container_id], capture_output=True, text=True, check=True)
    return json.loads(result.stdout)[0]


def fargate_capacity():
    """Tasks of 0.25 vCPU and 512 MiB that fit the unsized pool: this machine's CPUs and memory, as Docker reports them."""
    memory_mib = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") // (1024 * 1024)
    return min(os.cpu_count() * 1024 // 256, memory_mib // 512)


def make_room(ecs, arns, containers):
    """Stops the oldest Berth task and the oldest docker container, and waits for both, outside any measurement."""
    arn = arns.pop(0)
    ecs.stop_task(task=arn)
    ecs.get_waiter("tasks_stopped").wait(tasks=[arn], WaiterConfig={"Delay": 1, "MaxAttempts": 120})
    subprocess.run(["docker", "rm", "-f", containers.pop(0)], capture_output=True, check=True)


def medians(split, names):
    return "  ".join(f"{name} {statistics.median(p[name] for p in split) * 1000:.0f}" for name in names)


def main():
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    mode = sys.argv[2] if len(sys.argv) > 2 else "bridge"
    awsvpc = mode in ("awsvpc", "fargate")
    fargate = {"cpu": "256", "memory": "512", "requiresCompatibilities": ["FARGATE"]} if mode == "fargate" else {}
    server = BerthServer(command="up")
    server.start()
    try:
        ecs = server.ecs()
        server.wait_for_local_agent(ecs)
        ecs.register_task_definition(family="latency", networkMode="awsvpc" if awsvpc else "bridge", **fargate, containerDefinitions=[
            {"name": "web", "image": "berth/sample-web", "memory": 32, "portMappings": [{"containerPort": 80}]}])
        network = {"networkConfiguration": {"awsvpcConfiguration": {"subnets": ["subnet-local-a"], "securityGroups": ["sg-web"]}}} if awsvpc else {}
        if fargate:
            network["launchType"] = "FARGATE"
        capacity = fargate_capacity() if fargate else count
        if capacity < count:
            print(f"the Fargate pool holds {capacity} tasks: from then on each pair first stops the oldest of each side")
        berth, docker, berth_split, docker_split, arns, containers = [], [], [], [], [], []
        for _ in range(count):
            if len(arns) == capacity:
                make_room(ecs, arns, containers)
            arn, elapsed, parts = run_berth(ecs, network)
            arns.append(arn)
            berth.append(elapsed)
            berth_split.append(parts)
            cid, elapsed, parts = run_docker(server.agent_namespace)
            containers.append(cid)
            docker.append(elapsed)
            docker_split.append(parts)
        for name, values in ((f"berth run-task ({mode})", berth), ("docker run -d", docker)):
            print(f"{name:28} n={len(values)} p50 {percentile(values, 0.5) * 1000:7.0f} ms  "
                  f"p95 {percentile(values, 0.95) * 1000:7.0f} ms  mean {statistics.mean(values) * 1000:7.0f} ms")
        print(f"overhead at p50: {(percentile(berth, 0.5) / percentile(docker, 0.5) - 1) * 100:+.0f}%")
        print(f"berth phases, median ms:  {medians(berth_split, PHASES)}")
        print(f"docker phases, median ms: {medians(docker_split, ('cli', 'start', 'observe'))}")
        for arn in arns:
            ecs.stop_task(task=arn)
    finally:
        server.close()
        if awsvpc:
            server.remove_awsvpc_leftovers(["subnet-local-a"])


if __name__ == "__main__":
    main()
