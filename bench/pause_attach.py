#!/usr/bin/env python3
"""What an awsvpc task's network namespace costs on Docker: the two ways the agent gets one, step by step.

Usage: python3 bench/pause_attach.py [rounds]   (default 20)
Talks to the Engine API on /var/run/docker.sock (no CLI in the timings) on a network of its own, made like a
subnet's (berth-… with the first four addresses as Docker's dynamic range), and removes everything at the end.
  create+start  what a task without a ready pause container waits for: create the pause container at the task's
                address (NetworkingConfig with IPAMConfig), then start it
  connect       what a task taking a pooled one waits for: NetworkConnect of a running, unattached pause container
                at the task's address
  pool refill   what the pool does in the background for each container taken: create, start, disconnect
"""
import http.client
import json
import socket
import statistics
import sys
import time

NETWORK = "berth-bench-pause-attach"
PREFIX = "10.254.77."
IMAGE = "berth/pause"
LABEL = {"org.berth.bench": "pause-attach"}


class Engine(http.client.HTTPConnection):
    def __init__(self):
        super().__init__("localhost")

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect("/var/run/docker.sock")

    def call(self, method, path, body=None):
        self.request(method, path, json.dumps(body) if body is not None else None, {"Content-Type": "application/json"})
        response = self.getresponse()
        data = response.read()
        if response.status >= 300:
            raise RuntimeError(f"{method} {path}: {response.status} {data.decode()}")
        return json.loads(data) if data else None


def timed(action):
    start = time.perf_counter()
    result = action()
    return (time.perf_counter() - start) * 1000, result


def create(engine, address=None):
    endpoint = {"IPAMConfig": {"IPv4Address": address}} if address else {}
    return engine.call("POST", "/containers/create", {
        "Image": IMAGE, "Labels": LABEL, "HostConfig": {"NetworkMode": NETWORK},
        "NetworkingConfig": {"EndpointsConfig": {NETWORK: endpoint}}})["Id"]


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    engine = Engine()
    engine.call("POST", "/networks/create", {"Name": NETWORK, "Driver": "bridge", "Labels": LABEL, "IPAM": {
        "Config": [{"Subnet": PREFIX + "0/24", "Gateway": PREFIX + "1", "IPRange": PREFIX + "0/30"}]}})
    made = []
    times = {"create+start": [], "connect": [], "pool refill": []}
    try:
        for i in range(rounds):
            def direct():
                cid = create(engine, f"{PREFIX}{10 + i}")
                engine.call("POST", f"/containers/{cid}/start")
                return cid
            elapsed, cid = timed(direct)
            times["create+start"].append(elapsed)
            made.append(cid)

            def refill():
                cid = create(engine)
                engine.call("POST", f"/containers/{cid}/start")
                engine.call("POST", f"/networks/{NETWORK}/disconnect", {"Container": cid})
                return cid
            elapsed, pooled = timed(refill)
            times["pool refill"].append(elapsed)
            made.append(pooled)
            elapsed, _ = timed(lambda: engine.call("POST", f"/networks/{NETWORK}/connect",
                                                   {"Container": pooled, "EndpointConfig": {"IPAMConfig": {"IPv4Address": f"{PREFIX}{100 + i}"}}}))
            times["connect"].append(elapsed)
        for name, values in times.items():
            print(f"{name:13} n={len(values)} p50 {statistics.median(values):6.0f} ms  "
                  f"p95 {sorted(values)[min(len(values) - 1, round(0.95 * len(values)) - 1)]:6.0f} ms  mean {statistics.mean(values):6.0f} ms")
    finally:
        for cid in made:
            engine.call("DELETE", f"/containers/{cid}?force=true")
        engine.call("DELETE", f"/networks/{NETWORK}")


if __name__ == "__main__":
    main()
