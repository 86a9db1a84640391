#!/usr/bin/env bash
# Makes sure a Docker Engine answers on /var/run/docker.sock: installs Debian's docker.io when dockerd is
# missing and starts dockerd in the background when `docker info` fails. Idempotent; safe to call often.
set -euo pipefail

if docker info >/dev/null 2>&1; then
  exit 0
fi

if ! command -v dockerd >/dev/null 2>&1; then
  echo "berth: installing Debian's docker.io (dockerd not found)" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq docker.io >/dev/null
fi

log=/var/log/berth-dockerd.log
echo "berth: starting dockerd (log: $log)" >&2
# A daemon killed without its shutdown (SIGKILL, a machine reset) leaves its pid file, and dockerd refuses to start
# while the file names no live process of its own.
pidfile=/var/run/docker.pid
if [ -f "$pidfile" ] && ! kill -0 "$(cat "$pidfile")" 2>/dev/null; then
  rm -f "$pidfile"
fi
# In a session of its own (setsid), so the daemon outlives whoever called this: Ctrl-C on `./berth up`, or a test
# harness that kills berth's process group, signals that group only, and would otherwise stop dockerd and every
# container with it. crun refuses this kernel's hybrid cgroup layout; runc (Debian's default for docker.io) works.
setsid nohup dockerd --host=unix:///var/run/docker.sock >"$log" 2>&1 </dev/null &

for _ in $(seq 1 60); do
  if docker info >/dev/null 2>&1; then
    exit 0
  fi
  sleep 1
done
echo "berth: dockerd did not become ready within 60 s; see $log" >&2
tail -n 20 "$log" >&2 || true
exit 1
