"""A hollow agent for benchmarks: container instances that speak the real agent protocol (docs/agent-protocol.md) and
run nothing.

Each instance registers with RegisterContainerInstance as `berth agent` does on a server with `--auth off`, then
long-polls `/_berth/agent/v1/poll` (which is its heartbeat, so the instance stays connected and its tasks are never
recorded lost) and answers every assignment at once with `/_berth/agent/v1/reports` (a poll's in one batch): RUNNING for a task the server wants
running, STOPPED for one it wants stopped. The server sees what a real agent whose containers start instantly would
send, so its pages and APIs carry their real load (RUNNING tasks, services at steady state) without Docker.
"""
import json
import threading
import time
import urllib.request


def _post(url, body, headers=None, timeout=60):
    request = urllib.request.Request(url, data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json", **(headers or {})})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        text = response.read()
        return json.loads(text) if text else {}


class HollowAgent:
    """`count` instances in `cluster`, each with one polling thread; close() stops them (within one poll's wait)."""

    def __init__(self, endpoint, cluster, count, cpu=1_000_000, memory=1_000_000):
        self.endpoint = endpoint
        self.stopping = threading.Event()
        self.threads = []
        for i in range(count):
            arn = self._register(cluster, f"i-hollow{i:04d}", cpu, memory)
            thread = threading.Thread(target=self._run, args=(arn,), daemon=True)
            thread.start()
            self.threads.append(thread)

    def _register(self, cluster, instance_id, cpu, memory):
        identity = {"instanceId": instance_id, "availabilityZone": "us-east-1a", "hostAddress": "127.0.0.1"}
        answer = _post(self.endpoint, {
            "cluster": cluster, "instanceIdentityDocument": json.dumps(identity),
            "totalResources": [{"name": "CPU", "type": "INTEGER", "integerValue": cpu},
                               {"name": "MEMORY", "type": "INTEGER", "integerValue": memory}]},
            headers={"Content-Type": "application/x-amz-json-1.1",
                     "X-Amz-Target": "AmazonEC2ContainerServiceV20141113.RegisterContainerInstance"})
        return answer["containerInstance"]["containerInstanceArn"]

    def _run(self, arn):
        version, reported = 0, {}
        while not self.stopping.is_set():
            try:
                answer = _post(f"{self.endpoint}/_berth/agent/v1/poll",
                               {"containerInstanceArn": arn, "assignmentsVersion": version, "waitSeconds": 5})
            except OSError:
                time.sleep(1)  # the server is busy or going away: the next poll retries, as the agent's does
                continue
            version = answer["assignmentsVersion"]
            due = [(a["task"], "STOPPED" if a["task"]["desiredStatus"] == "STOPPED" else "RUNNING") for a in answer["tasks"]]
            due = [(task, wanted) for task, wanted in due if reported.get(task["taskArn"]) != wanted]
            # All of a poll's reports in one request, as the agent's report queue sends them (at most 100 a request).
            for start in range(0, len(due), 100):
                batch = due[start:start + 100]
                if not self._report(arn, batch):
                    break
                reported.update((task["taskArn"], wanted) for task, wanted in batch)

    def _report(self, arn, batch):
        try:
            _post(f"{self.endpoint}/_berth/agent/v1/reports", {"reports": [self._task_report(arn, task, status) for task, status in batch]})
            return True
        except OSError:
            return False  # resent after the next poll, which lists the task again

    @staticmethod
    def _task_report(arn, task, status):
        now = time.time()
        report = {"containerInstanceArn": arn, "taskArn": task["taskArn"], "lastStatus": status, "startedAt": now,
                  "containers": [{"name": c["name"], "lastStatus": status, "runtimeId": f"hollow-{i}",
                                  **({"exitCode": 0} if status == "STOPPED" else {})}
                                 for i, c in enumerate(task.get("containers", []))]}
        if status == "STOPPED":
            report.update(executionStoppedAt=now, stoppedReason="Stopped by the hollow agent")
        return report

    def close(self):
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=30)
