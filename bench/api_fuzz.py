#!/usr/bin/env python3
"""The long fuzz run: valid, mutated and hostile requests for every operation of every service Berth serves
(tests/clients/fuzzing), against `berth server` on a free port (no agent: nothing a request does can start a
container). Any 5xx, hang, answer outside the protocol's shape or failed liveness probe is a failure.

Usage: python3 bench/api_fuzz.py [--requests 100000] [--seed S] [--workers 2] [--endpoint URL]
       python3 bench/api_fuzz.py --seed S --only I     # replay request I of seed S and print its answer
"""
import argparse
import os
import random
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "clients"))
from berth_server import BerthServer  # noqa: E402
from fuzzing.runner import Fuzzer  # noqa: E402
from fuzzing.wire import Connection  # noqa: E402


def memory(pid):
    """The server's resident set now and at its peak (./berth execs dotnet, so the pid is the server's)."""
    status = dict(line.split(":", 1) for line in open(f"/proc/{pid}/status"))
    return f"RSS {status['VmRSS'].strip()}, peak {status['VmHWM'].strip()}"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=random.randrange(1 << 32))
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--only", type=int, help="send request ONLY of the seed's run and print its answer")
    parser.add_argument("--endpoint", help="a running Berth server to fuzz instead of starting one (it must have no agent)")
    parser.add_argument("--max-failures", type=int, default=50)
    args = parser.parse_args()

    server = None
    if not args.endpoint:
        server = BerthServer(command="server")
        server.start()
    try:
        fuzzer = Fuzzer(args.endpoint or server.endpoint, args.seed)
        try:
            fuzzer.prepare()
            if args.only is not None:
                request, _, description = fuzzer.build(args.only)
                print(description)
                response = Connection(fuzzer.host, fuzzer.port, 60).send(request)
                print(response.status, response.headers, response.body[:2000])
                return 0
            print(f"fuzz: seed {args.seed}, {args.requests} requests, {args.workers} workers", flush=True)
            report = fuzzer.run(args.requests, workers=args.workers, max_failures=args.max_failures)
            print(report.summary())
            if server:
                print(f"server memory: {memory(server.process.pid)}")
            return 1 if report.failures else 0
        finally:
            fuzzer.close()
    finally:
        if server:
            print(f"server log: {server.log.name}" if server.process.poll() is None else "the server exited")
            server.close()


if __name__ == "__main__":
    sys.exit(main())
