#!/usr/bin/env python3
"""Failed requests through a Berth listener while a load-balanced service is deployed, with real containers and wrk.

Usage: python3 bench/lb_rolling_deployment.py [--runs 10] [--tasks 3] [--seconds 100] [--deregistration-delay S]

Each run is the flow of issue 14 (item 1), from scratch: `berth up` on a free port; an application load balancer
whose HTTP listener (127.0.0.1, free port) forwards to an `instance` target group (health checks on `/` every 5 s,
healthy after 2; deregistration delay ELB's default 300 s unless --deregistration-delay is given); a service of
`tasks` `berth/sample-web` tasks (bridge, no container health check, ECS's default deployment configuration).
As soon as the service is stable in the sense of `aws ecs wait services-stable` (one deployment, runningCount =
desiredCount; polled every 0.1 s rather than the waiter's 15 s, so every run starts while the targets are still
`initial`), `wrk -t1 -c8 -d{seconds}s` runs against the listener and, 3 s later, UpdateService moves the service
to a new revision. Prints, per run, the target states when the deployment began, wrk's requests, non-2xx
responses and socket errors, and where the deployment stood when wrk ended; then the totals.
Runs with failures keep their server log in the temp directory. wrk: `apt-get install -y wrk`.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "clients"))
from berth_server import BerthServer, free_port, wait_for  # noqa: E402


def wait(check, seconds=600):
    return wait_for(check, seconds, interval=0.1)


# Counts wrk's answers other than 2xx and 3xx by status, with the wall-clock seconds of the first and last.
WRK_SCRIPT = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function response(status, headers, body)
  if status < 200 or status > 399 then
    local key = "n" .. status
    if _G[key] == nil then codes = (codes or "") .. " " .. status end
    _G[key] = (_G[key] or 0) + 1
    first = first or os.time()
    last = os.time()
  end
end
function done(summary, latency, requests)
  for _, thread in ipairs(threads) do
    local codes = thread:get("codes")
    if codes then
      for code in string.gmatch(codes, "%d+") do io.write(string.format("status %s: %d; ", code, thread:get("n" .. code))) end
      io.write(string.format("first at %s, last at %s\\n", os.date("%H:%M:%S", thread:get("first")), os.date("%H:%M:%S", thread:get("last"))))
    end
  end
end
"""


class WrkLoad:
    """wrk with WRK_SCRIPT, 8 connections for `seconds` against a listener on loopback, its output read as it runs."""

    def __init__(self, data_dir, port, seconds):
        script = os.path.join(data_dir, "statuses.lua")
        with open(script, "w") as f:
            f.write(WRK_SCRIPT)
        self._wrk = subprocess.Popen(["wrk", "-t1", "-c8", f"-d{seconds}s", "-s", script, f"http://127.0.0.1:{port}/"],
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self._output = []
        self._reader = threading.Thread(target=lambda: self._output.append(self._wrk.stdout.read()), daemon=True)
        self._reader.start()

    def totals(self):
        """Waits for wrk to end; its totals as parse_wrk gives them."""
        self._wrk.wait()
        self._reader.join()
        return parse_wrk("".join(self._output))


def parse_wrk(output):
    """wrk's totals: requests, non-2xx-or-3xx responses, socket errors (connect + read + write + timeout), and the
    statuses line of WRK_SCRIPT (empty when every answer was 2xx or 3xx)."""
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    statuses = re.search(r"^status .*$", output, re.MULTILINE)
    return (requests, int(non_2xx.group(1)) if non_2xx else 0, sum(map(int, errors.groups())) if errors else 0,
            statuses.group(0) if statuses else "")


def states(elb, tg):
    """Target states, sorted, e.g. ['healthy', 'initial', 'initial']."""
    return sorted(d["TargetHealth"]["State"] for d in elb.describe_target_health(TargetGroupArn=tg)["TargetHealthDescriptions"])


def run_once(tasks, seconds, deregistration_delay, keep_log):
    server = BerthServer(command="up")
    try:
        server.start()
        ecs = server.ecs()
        server.wait_for_local_agent(ecs)
        elb = server.client("elbv2")
        lb = elb.create_load_balancer(Name="bench-lb", Type="application", Subnets=["subnet-local-a"])["LoadBalancers"][0]
        tg = elb.create_target_group(Name="bench-tg", Protocol="HTTP", Port=80, TargetType="instance", HealthCheckPath="/",
                                     HealthCheckIntervalSeconds=5, HealthyThresholdCount=2)["TargetGroups"][0]["TargetGroupArn"]
        if deregistration_delay is not None:
            elb.modify_target_group_attributes(TargetGroupArn=tg, Attributes=[
                {"Key": "deregistration_delay.timeout_seconds", "Value": str(deregistration_delay)}])
        port = free_port()
        elb.create_listener(LoadBalancerArn=lb["LoadBalancerArn"], Protocol="HTTP", Port=port,
                            DefaultActions=[{"Type": "forward", "TargetGroupArn": tg}])
        for message in ("v1", "v2"):
            ecs.register_task_definition(family="bench-web", containerDefinitions=[{
                "name": "web", "image": "berth/sample-web", "memory": 32, "portMappings": [{"containerPort": 80}],
                "environment": [{"name": "MESSAGE", "value": message}]}])
        ecs.create_service(cluster="default", serviceName="web", taskDefinition="bench-web:1", desiredCount=tasks,
                           loadBalancers=[{"targetGroupArn": tg, "containerName": "web", "containerPort": 80}])

        def stable():
            service = ecs.describe_services(cluster="default", services=["web"])["services"][0]
            return len(service["deployments"]) == 1 and service["runningCount"] == service["desiredCount"]
        wait(stable)

        load = WrkLoad(server.data_dir, port, seconds)
        time.sleep(3)
        ecs.update_service(cluster="default", service="web", taskDefinition="bench-web:2")
        # Health only moves on from initial, so targets still initial now were initial when the deployment began.
        at_update = states(elb, tg)
        requests, non_2xx, errors, statuses = load.totals()
        if non_2xx or errors:
            shutil.copy(server.log.name, keep_log)
        service = ecs.describe_services(cluster="default", services=["web"])["services"][0]
        rollout = ", ".join(f"{d['taskDefinition'].rsplit('/', 1)[1]} {d['rolloutState']} {d['runningCount']} running"
                            for d in service["deployments"])
        return requests, non_2xx, errors, statuses, at_update, states(elb, tg), rollout
    except Exception:
        server.log.flush()
        with open(server.log.name, errors="replace") as log:
            print("".join(log.readlines()[-40:]), file=sys.stderr)
        raise
    finally:
        server.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--tasks", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=100)
    parser.add_argument("--deregistration-delay", type=int)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is required: apt-get install -y wrk")

    failed_runs = 0
    total_requests = total_failed = 0
    print(f"{args.runs} runs: {args.tasks} tasks, wrk -t1 -c8 -d{args.seconds}s, deregistration delay "
          f"{args.deregistration_delay if args.deregistration_delay is not None else 'default (300 s)'}, "
          f"load average {os.getloadavg()[0]:.1f}", flush=True)
    for run in range(1, args.runs + 1):
        log = os.path.join(tempfile.gettempdir(), f"lb-rolling-deployment-run-{run}.log")
        requests, non_2xx, errors, statuses, at_update, at_end, rollout = run_once(
            args.tasks, args.seconds, args.deregistration_delay, log)
        failed = non_2xx + errors
        failed_runs += failed > 0
        total_requests += requests
        total_failed += failed
        print(f"run {run}: {requests} requests, {non_2xx} non-2xx, {errors} socket errors | targets at the update: "
              f"{' '.join(at_update)} | at the end: {' '.join(at_end)} | {rollout} | load average {os.getloadavg()[0]:.1f}",
              flush=True)
        if failed:
            print(f"  {statuses or 'socket errors only'}; server log kept in {log}", flush=True)
    print(f"total: {total_requests} requests, {total_failed} failed; runs with failures: {failed_runs} of {args.runs}")


if __name__ == "__main__":
    main()
