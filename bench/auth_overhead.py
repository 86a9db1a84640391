#!/usr/bin/env python3
"""What SigV4 verification costs: requests per second of ECS DescribeClusters against two `berth server`s in
the same run, one with --auth off and one with --auth sigv4, over keep-alive connections.

Each request is signed once with botocore's SigV4Auth (by the sigv4 server's root key) and the same bytes are
sent every time, so the client's cost is the same for both servers and only the server's work differs: the
sigv4 server verifies every request (canonical request, HMAC chain, key lookup), the other one ignores the
signature. Rounds alternate between the servers so that background load hits both alike.

Besides requests per second (the client and both servers share the machine), each round reads the server
process's own CPU time (utime + stime from /proc/<pid>/stat), so the verification's cost also shows as server CPU
microseconds per request, which background load disturbs much less; the least round of each server is printed too,
since interference only ever adds time.

Usage: python3 bench/auth_overhead.py [--requests 4000] [--rounds 3] [--connections 2]
"""
import argparse
import http.client
import json
import os
import statistics
import sys
import threading
import time

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "clients"))
from berth_server import BerthServer  # noqa: E402

TARGET = "AmazonEC2ContainerServiceV20141113.DescribeClusters"


def signed_request(endpoint, key_id, secret):
    body = json.dumps({"clusters": ["default"]})
    request = AWSRequest(method="POST", url=endpoint + "/", data=body,
                         headers={"X-Amz-Target": TARGET, "Content-Type": "application/x-amz-json-1.1"})
    SigV4Auth(Credentials(key_id, secret), "ecs", "us-east-1").add_auth(request)
    return body.encode(), dict(request.headers.items())


def cpu_seconds(pid):
    """utime + stime of a process, from /proc/<pid>/stat (fields 14 and 15, after the parenthesised name)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run(server, body, headers, requests, connections):
    """(requests per second, server CPU microseconds per request) of `requests` POSTs over `connections` keep-alive
    connections; every answer must be 200."""
    per_connection = requests // connections
    failures = []

    def worker():
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        for _ in range(per_connection):
            connection.request("POST", "/", body=body, headers=headers)
            response = connection.getresponse()
            data = response.read()
            if response.status != 200:
                failures.append((response.status, data[:200]))
                return
        connection.close()

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    cpu_before = cpu_seconds(server.process.pid)
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    cpu = cpu_seconds(server.process.pid) - cpu_before
    if failures:
        raise RuntimeError(f"requests failed: {failures[:3]}")
    done = per_connection * connections
    return done / elapsed, cpu / done * 1e6


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=4000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=2)
    args = parser.parse_args()

    off = BerthServer(command="server")
    sigv4 = BerthServer(command="server", auth="sigv4")
    try:
        off.start()
        sigv4.start()
        body, headers = signed_request(sigv4.endpoint, *sigv4.root_key)
        for server in (off, sigv4):  # warm-up: JIT, connection set-up, the key cache
            run(server, body, headers, 500, args.connections)
        results = {"off": [], "sigv4": []}
        for _ in range(args.rounds):
            results["off"].append(run(off, body, headers, args.requests, args.connections))
            results["sigv4"].append(run(sigv4, body, headers, args.requests, args.connections))
        rate, cpu, best = {}, {}, {}
        for mode, rounds in results.items():
            rate[mode] = statistics.median(r for r, _ in rounds)
            cpu[mode] = statistics.median(c for _, c in rounds)
            best[mode] = min(c for _, c in rounds)
            print(f"auth {mode:5}: median {rate[mode]:7.0f} req/s  (rounds: {', '.join(f'{r:.0f}' for r, _ in rounds)}); "
                  f"server CPU median {cpu[mode]:6.1f} us/request, least {best[mode]:6.1f}  (rounds: {', '.join(f'{c:.0f}' for _, c in rounds)})")
        print(f"sigv4 costs {1 - rate['sigv4'] / rate['off']:.1%} of requests per second and {cpu['sigv4'] - cpu['off']:.1f} us "
              f"({cpu['sigv4'] / cpu['off'] - 1:.1%}) of server CPU per request "
              f"({args.requests} DescribeClusters per round, {args.connections} connections)")
        # Background load only ever adds CPU time, so each server's least round is the closest to its own cost.
        print(f"least rounds: sigv4 costs {best['sigv4'] - best['off']:.1f} us ({best['sigv4'] / best['off'] - 1:.1%}) of server CPU per request")
    finally:
        off.close()
        sigv4.close()


if __name__ == "__main__":
    main()
