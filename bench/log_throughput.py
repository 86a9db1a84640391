#!/usr/bin/env python3
"""Log ingestion end to end (container stdout → agent → PutLogEvents → store) and query latency over a large group.

Usage: python3 bench/log_throughput.py [container-lines] [api-lines] [line-width]   (defaults 500000, 1000000, 0)
Starts its own `berth up` on a free port.
1. A container prints `container-lines` lines with the awslogs driver: busybox seq (1 to 7 bytes a line), or with a
   line width, that many bytes a line (`yes` of a fixed text, nearer to real application logs); the figure is lines over
   the time from the container's start (Docker's StartedAt) to the stream's lastIngestionTime, once its
   storedBytes says every line is stored. `docker run` of the same command into Docker's json-file log alone
   gives the ceiling the Docker engine sets.
2. `api-lines` lines are put through PutLogEvents (10,000 per batch, one client) into another group, then
   GetLogEvents and FilterLogEvents are timed over it.
"""
import os
import statistics
import subprocess
import sys
import time
from datetime import datetime

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "clients"))
import boto3  # noqa: E402
from berth_server import BerthServer  # noqa: E402


def timed(call, repeat):
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        samples.append((time.perf_counter() - start) * 1000)
    return f"p50 {statistics.median(samples):8.1f} ms  max {max(samples):8.1f} ms  (n={repeat})"


def printer_command(lines, width):
    """The container's command and the bytes its output stores (CloudWatch counts message bytes, no newlines)."""
    if width == 0:
        return ["seq", "1", str(lines)], sum(len(str(i)) for i in range(1, lines + 1))
    text = ("GET /orders/42 200 " * (width // 19 + 1))[:width]
    return ["sh", "-c", f"yes '{text}' | head -n {lines}"], lines * width


def container_ingestion(server, ecs, logs, lines, width):
    command, expected = printer_command(lines, width)
    ecs.register_task_definition(family="printer", containerDefinitions=[{
        "name": "printer", "image": "berth/sample-tools", "memory": 64, "command": command,
        "logConfiguration": {"logDriver": "awslogs", "options": {
            "awslogs-group": "/bench/printer", "awslogs-region": "us-east-1", "awslogs-stream-prefix": "bench",
            "awslogs-create-group": "true"}}}])
    arn = ecs.run_task(taskDefinition="printer")["tasks"][0]["taskArn"]
    stream = f"bench/printer/{arn.rsplit('/', 1)[1]}"
    started = None
    while True:
        task = ecs.describe_tasks(tasks=[arn])["tasks"][0]
        started = started or task.get("startedAt")
        found = logs.describe_log_streams(logGroupName="/bench/printer")["logStreams"] if started else []
        if found and found[0].get("storedBytes", 0) >= expected:
            break
        time.sleep(0.2)
    container_id = task["containers"][0]["runtimeId"]
    docker_start = subprocess.run(["docker", "inspect", "-f", "{{.State.StartedAt}}", container_id],
                                  capture_output=True, text=True).stdout.strip()
    begin = datetime.fromisoformat(docker_start[:26] + "+00:00").timestamp() if docker_start else started.timestamp()
    seconds = found[0]["lastIngestionTime"] / 1000 - begin
    print(f"container → stored: {lines} lines in {seconds:.2f} s = {lines / seconds:,.0f} lines/s"
          f" ({expected / seconds / 1e6:.1f} MB/s of messages)")

    start = time.perf_counter()
    subprocess.run(["docker", "run", "--rm", "--label", f"org.berth.agent={server.agent_namespace}", "berth/sample-tools",
                    *command], stdout=subprocess.DEVNULL, check=True)
    seconds = time.perf_counter() - start
    print(f"docker run (attached, json-file) alone: {lines} lines in {seconds:.2f} s = {lines / seconds:,.0f} lines/s")


def api_queries(logs, lines):
    logs.create_log_group(logGroupName="/bench/api")
    logs.create_log_stream(logGroupName="/bench/api", logStreamName="s")
    base = int(time.time() * 1000) - lines // 100
    start = time.perf_counter()
    for batch in range(0, lines, 10_000):
        logs.put_log_events(logGroupName="/bench/api", logStreamName="s", logEvents=[
            {"timestamp": base + i // 100, "message": f"GET /orders/{i} 200 {'ERROR' if i % 100_000 == 7 else 'ok'} user={i % 977}"}
            for i in range(batch, min(lines, batch + 10_000))])
    seconds = time.perf_counter() - start
    print(f"PutLogEvents alone: {lines} lines in {seconds:.2f} s = {lines / seconds:,.0f} lines/s")

    tail = lambda: logs.get_log_events(logGroupName="/bench/api", logStreamName="s", limit=100)  # noqa: E731
    head = lambda: logs.get_log_events(logGroupName="/bench/api", logStreamName="s", startFromHead=True)  # noqa: E731
    middle = lambda: logs.get_log_events(logGroupName="/bench/api", logStreamName="s", startFromHead=True,  # noqa: E731
                                         startTime=base + lines // 200, limit=100)
    follow = lambda: logs.filter_log_events(logGroupName="/bench/api", startTime=base + lines // 100 - 5, interleaved=True)  # noqa: E731

    def rare():
        kwargs, found = {"logGroupName": "/bench/api", "filterPattern": "ERROR"}, 0
        while True:
            page = logs.filter_log_events(**kwargs)
            found += len(page["events"])
            if "nextToken" not in page:
                return found
            kwargs["nextToken"] = page["nextToken"]

    print(f"GetLogEvents newest 100:                 {timed(tail, 20)}")
    print(f"GetLogEvents from head (10,000 events):  {timed(head, 5)}")
    print(f"GetLogEvents 100 from a time mid-stream: {timed(middle, 20)}")
    print(f"FilterLogEvents last 5 ms (tail -f poll): {timed(follow, 20)}")
    print(f"FilterLogEvents 'ERROR' over all, paged: {timed(rare, 3)}  ({rare()} matches)")


def main():
    container_lines = int(sys.argv[1]) if len(sys.argv) > 1 else 500_000
    api_lines = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
    line_width = int(sys.argv[3]) if len(sys.argv) > 3 else 0
    server = BerthServer(command="up")
    server.start()
    try:
        session = dict(endpoint_url=server.endpoint, region_name="us-east-1", aws_access_key_id="test", aws_secret_access_key="test")
        ecs, logs = boto3.client("ecs", **session), boto3.client("logs", **session)
        while True:
            try:
                if ecs.list_container_instances(cluster="default")["containerInstanceArns"]:
                    break
            except ecs.exceptions.ClusterNotFoundException:
                pass
            time.sleep(0.2)
        container_ingestion(server, ecs, logs, container_lines, line_width)
        api_queries(logs, api_lines)
    finally:
        server.close()


if __name__ == "__main__":
    main()
