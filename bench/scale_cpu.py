#!/usr/bin/env python3
"""CPU per task of a Berth build under the scale harness (docs/performance.md, "Scale harness").

Starts `berth server` from a copy of a build (so later builds don't change what is measured) with a fresh data
directory, or a fresh PostgreSQL database you made, runs bench/Berth.Bench.Scale against it and prints the harness's
lines, then the server's and the harness's CPU per task over the placement phase (from the "registered" line to the
"end to end" line), read from /proc/<pid>/stat. Comparing builds means running them alternately in the same minutes:
the machine's noise is larger than most changes. Run by hand, never from a test.

  dotnet build src/Berth.Cli -c Release && cp -r src/Berth.Cli/bin/Release/net10.0 /tmp/bin-a
  dotnet build bench/Berth.Bench.Scale -c Release
  python3 bench/scale_cpu.py /tmp/bin-a 4800 a 20000 [postgres://user:pw@host:port/<fresh database>] [instances]

SERVER_ENV="K=V,K=V" sets environment variables of the server only; PROFILE=1 also records a 10 s dotnet-trace of
the placement phase (dotnet-trace on PATH, or DOTNET_TRACE=<path>) to /tmp/trace-<label>.speedscope.json.
WARMUP=<instances>,<tasks> makes the harness first run once with that many on a cluster of its own, unmeasured and in
the same process, so the measured run meets a server and a harness whose code the JIT has already compiled and
optimised, as long-running ones are: on a fresh server the runtime's tiered-compilation thread takes 24-40 % of the
placement phase's CPU (perf, docs/performance.md, "2026-12-07 02:45"), and in a fresh harness 40 % of the harness's
("2026-12-07 14:20").
"""
import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request

HARNESS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "Berth.Bench.Scale/bin/Release/net10.0/Berth.Bench.Scale.dll")


def cpu_ms(pid):
    """User plus system CPU of a process so far, in milliseconds."""
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


def wait_until_listening(port):
    for _ in range(240):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1)
            return
        except urllib.error.HTTPError:
            return  # it answered
        except OSError:
            time.sleep(0.5)
    sys.exit(f"berth server did not listen on {port}")


def main():
    if len(sys.argv) < 5:
        sys.exit(__doc__)
    build, port, label, tasks = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    store = sys.argv[5] if len(sys.argv) > 5 else ""
    instances = sys.argv[6] if len(sys.argv) > 6 else "2000"
    data = f"/tmp/scale-cpu-{label}"
    shutil.rmtree(data, ignore_errors=True)
    os.makedirs(data)
    server_cmd = [os.path.join(build, "berth"), "server", "--port", port, "--data-dir", data] + (["--store", store] if store else [])
    server_env = dict(os.environ)
    server_env.update(kv.split("=", 1) for kv in os.environ.get("SERVER_ENV", "").split(",") if kv)
    with open(f"{data}.server.log", "w") as log:
        server = subprocess.Popen(server_cmd, env=server_env, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_until_listening(port)
        warm_up = os.environ["WARMUP"].split(",") if os.environ.get("WARMUP") else ["0", "0"]
        harness = subprocess.Popen(["dotnet", HARNESS, "--endpoint", f"http://127.0.0.1:{port}", "--server-pid", str(server.pid),
                                    "--instances", instances, "--tasks", str(tasks), "--warmup-instances", warm_up[0], "--warmup-tasks", warm_up[1]],
                                   stdout=subprocess.PIPE, text=True)
        start = None
        for line in harness.stdout:
            if line.startswith("warm-up: "):
                if line.startswith("warm-up: end to end"):
                    print(f"[{label} warm-up] {line.removeprefix('warm-up: ')}", end="", flush=True)
                continue
            print(f"[{label}] {line}", end="", flush=True)
            if line.startswith("registered"):
                start = cpu_ms(server.pid), cpu_ms(harness.pid)
                if os.environ.get("PROFILE"):
                    subprocess.Popen([os.environ.get("DOTNET_TRACE", "dotnet-trace"), "collect", "-p", str(server.pid), "--duration", "00:00:00:10",
                                      "--format", "speedscope", "-o", f"/tmp/trace-{label}.nettrace"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            elif line.startswith("end to end") and start:
                server_ms, harness_ms = cpu_ms(server.pid) - start[0], cpu_ms(harness.pid) - start[1]
                print(f"[{label}] server CPU {server_ms / tasks:.3f} ms/task, harness CPU {harness_ms / tasks:.3f} ms/task, "
                      f"load average {os.getloadavg()[0]:.1f}", flush=True)
        harness.wait()
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
