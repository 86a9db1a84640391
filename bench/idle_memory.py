#!/usr/bin/env python3
"""Idle memory of `berth up` (control plane, local agent and managed Fargate agent in one process).

Usage: python3 bench/idle_memory.py [--berth PATH] [runs=2] [seconds=25] [-- extra berth up flags]
  Starts `./berth up` (or the executable PATH, e.g. the Native AOT binary eng/publish-aot.sh writes) on a free port with a fresh data directory, waits until it answers and `seconds` more with
  nothing running (printing RSS every 10 s on the way), then reads /proc: RSS split into anonymous memory (GC heap, native heaps, thread stacks) and
  file-backed pages (managed assemblies, native libraries), the largest file mappings, the thread count, the
  managed heap as the server's /metrics reports it, and whether the agents run in the same process (no child
  process). The environment is passed on, so DOTNET_* settings can be compared: DOTNET_gcServer=1 python3 ...
"""
import os
import re
import statistics
import subprocess
import sys
import time
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "clients"))
import berth_server  # noqa: E402
from berth_server import BerthServer  # noqa: E402

MIB = 1024 * 1024


def status(pid):
    """VmRSS, RssAnon, RssFile and Threads from /proc/<pid>/status, in bytes (threads as a count)."""
    fields = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            name, _, value = line.partition(":")
            if name in ("VmRSS", "RssAnon", "RssFile", "RssShmem"):
                fields[name] = int(value.split()[0]) * 1024
            elif name == "Threads":
                fields[name] = int(value)
    return fields


def file_mappings(pid):
    """Resident bytes per mapped file (all of its mappings summed), from /proc/<pid>/smaps."""
    sizes, current = {}, None
    with open(f"/proc/{pid}/smaps") as f:
        for line in f:
            header = re.match(r"^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \d+\s*(.*)$", line)
            if header:
                path = header.group(1).strip()
                current = path if path.startswith("/") else None
            elif current and line.startswith("Rss:"):
                sizes[current] = sizes.get(current, 0) + int(line.split()[1]) * 1024
    return sizes


def managed_heap(endpoint):
    """dotnet_total_memory_bytes (GC.GetTotalMemory) and the collections per generation (dotnet_collection_count_total)
    from the server's Prometheus endpoint, or (None, {}). The counts tell whether the gen0 budget is what it was set to:
    an idle process allocating ~100 KB/s collects gen0 every few tens of seconds with a 4 MiB budget, rarely without."""
    try:
        with urllib.request.urlopen(f"{endpoint}/metrics", timeout=5) as response:
            text = response.read().decode()
    except OSError:
        return None, {}
    match = re.search(r"^dotnet_total_memory_bytes (\S+)$", text, re.MULTILINE)
    counts = {m.group(1): int(float(m.group(2))) for m in
              re.finditer(r'^dotnet_collection_count_total\{generation="(\d)"\} (\S+)$', text, re.MULTILINE)}
    return (float(match.group(1)) if match else None), counts


def children(pid):
    result = subprocess.run(["ps", "-o", "pid=,comm=", "--ppid", str(pid)], capture_output=True, text=True)
    return [line.strip() for line in result.stdout.splitlines() if line.strip()]


def measure(seconds, extra):
    server = BerthServer(command="up", args=extra)
    server.start()
    try:
        ecs = server.ecs()
        server.wait_for_local_agent(ecs)
        # Both agents registered (the Fargate agent's pool instance is not listed; give it the same start-up time).
        # RSS every 10 s on the way: an idle process keeps growing for minutes (gen0 fills, the JIT recompiles hot
        # methods at tier 1), so a long run shows where it settles, not only the figure at `seconds`.
        started = time.time()
        pid = server.process.pid
        trace = []
        while time.time() - started < seconds:
            fields = status(pid)
            trace.append(f"{time.time() - started:.0f}s {fields['VmRSS'] / MIB:.1f}")
            time.sleep(min(10, max(0, seconds - (time.time() - started))))
        fields = status(pid)
        maps = file_mappings(pid)
        return fields, maps, managed_heap(server.endpoint), children(pid), trace
    finally:
        server.close()


def main():
    args = sys.argv[1:]
    extra = args[args.index("--") + 1:] if "--" in args else []
    args = args[:args.index("--")] if "--" in args else args
    if "--berth" in args:
        at = args.index("--berth")
        berth_server.BERTH = os.path.abspath(args[at + 1])
        del args[at:at + 2]
    runs = int(args[0]) if args else 2
    seconds = int(args[1]) if len(args) > 1 else 25
    settings = " ".join(f"{k}={v}" for k, v in sorted(os.environ.items())
                        if k.startswith("DOTNET_") and not k.startswith(("DOTNET_CLI_", "DOTNET_NOLOGO", "DOTNET_GENERATE"))) or "no DOTNET_ settings"
    print(f"{berth_server.BERTH} up {' '.join(extra)}; {seconds} s idle; {os.cpu_count()} cores; {settings}")
    rss = []
    for run in range(1, runs + 1):
        fields, maps, (heap, collections), kids, trace = measure(seconds, extra)
        rss.append(fields["VmRSS"])
        dlls = sum(v for k, v in maps.items() if k.endswith(".dll"))
        native = sum(v for k, v in maps.items() if ".so" in os.path.basename(k))
        heap_text = f"{heap / MIB:.1f} MiB" if heap is not None else "n/a"
        if collections:
            heap_text += " (collections " + ", ".join(f"gen{g} {n}" for g, n in sorted(collections.items())) + ")"
        print(f"run {run}: RSS {fields['VmRSS'] / MIB:.1f} MiB = anon {fields['RssAnon'] / MIB:.1f} + file {fields['RssFile'] / MIB:.1f}"
              f" + shmem {fields['RssShmem'] / MIB:.1f}; threads {fields['Threads']}; managed heap {heap_text}")
        print(f"       file-backed: {dlls / MIB:.1f} MiB in {sum(1 for k in maps if k.endswith('.dll'))} assemblies,"
              f" {native / MIB:.1f} MiB native libraries; child processes: {', '.join(kids) or 'none'}")
        print(f"       RSS on the way (MiB): {', '.join(trace)}")
        for path, size in sorted(maps.items(), key=lambda kv: -kv[1])[:8]:
            print(f"         {size / MIB:6.1f} MiB  {os.path.basename(path)}")
    print(f"RSS: median {statistics.median(rss) / MIB:.1f} MiB, min {min(rss) / MIB:.1f}, max {max(rss) / MIB:.1f} (n={len(rss)})")


if __name__ == "__main__":
    main()
