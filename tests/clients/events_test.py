"""The event stream with real containers: `berth up`, a task run by the aws CLI, followed with `berth events`, then
resumed over plain HTTP with Last-Event-ID after the server is killed and started again on the same data."""
import os
import queue
import subprocess
import threading
import time
import urllib.request

from berth_server import ROOT, kill_process_group
from berth_test_case import BerthUpTestCase


class EventStreamTest(BerthUpTestCase):

    def follow_with_cli(self):
        """`berth events` replaying from the start (so nothing is missed) for cluster default; its lines arrive in a queue."""
        process = subprocess.Popen([os.path.join(ROOT, "berth"), "events", "--endpoint-url", self.server.endpoint,
                                    "--cluster", "default", "--after", "0"],
                                   stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, start_new_session=True)
        self.addCleanup(process.stdout.close)
        self.addCleanup(kill_process_group, process)
        lines = queue.Queue()
        threading.Thread(target=lambda: [lines.put(line.rstrip("\n")) for line in process.stdout], daemon=True).start()
        return process, lines

    def task_lines_until_stopped(self, lines, task_arn, seconds=120):
        """The CLI's lines about the task (`<id> <time> ECS Task State Change <arn> <lastStatus> (desired …)`) up to STOPPED."""
        found = []
        deadline = time.time() + seconds
        while time.time() < deadline:
            try:
                line = lines.get(timeout=1)
            except queue.Empty:
                continue
            if f" ECS Task State Change {task_arn} " in line:
                found.append(line)
                if line.split(f"{task_arn} ")[1].startswith("STOPPED"):
                    return found
        self.fail(f"no STOPPED event for {task_arn} within {seconds} s; got {found}")

    def read_stream(self, last_event_id, count):
        """`count` events of cluster default after `last_event_id`, read as an EventSource reconnecting would: (id, type) pairs."""
        request = urllib.request.Request(f"{self.server.endpoint}/_berth/events?cluster=default",
                                         headers={"Last-Event-ID": str(last_event_id)})
        events, message = [], {}
        with urllib.request.urlopen(request, timeout=30) as response:
            self.assertEqual(response.headers.get_content_type(), "text/event-stream")
            while len(events) < count:
                line = response.readline().decode().rstrip("\n")
                if line == "" and message:
                    events.append((int(message["id"]), message["event"]))
                    message = {}
                elif not line.startswith(":") and ": " in line:
                    field, value = line.split(": ", 1)
                    message[field] = value
        return events

    def test_a_task_lifecycle_is_streamed_and_last_event_id_resumes_after_a_restart(self):
        self.server.wait_for_local_agent(self.server.ecs())
        cli, lines = self.follow_with_cli()
        self.aws("ecs", "register-task-definition", "--family", "blink", "--container-definitions",
                 '[{"name":"main","image":"berth/sample-tools","memory":16,"command":["sh","-c","sleep 2"]}]')
        task_arn = self.aws("ecs", "run-task", "--cluster", "default", "--task-definition", "blink")["tasks"][0]["taskArn"]

        task_lines = self.task_lines_until_stopped(lines, task_arn)
        statuses = [line.split(f"{task_arn} ")[1].split(" ")[0] for line in task_lines]
        transitions = [s for i, s in enumerate(statuses) if i == 0 or statuses[i - 1] != s]
        # PROVISIONING is ECS's first status for tasks that wait for resources (awsvpc); Berth's bridge tasks start PENDING.
        self.assertEqual([s for s in transitions if s != "PROVISIONING"], ["PENDING", "RUNNING", "STOPPED"], task_lines)
        ids = [int(line.split(" ")[0]) for line in task_lines]
        self.assertEqual(ids, sorted(set(ids)), "ids grow with every event")
        self.assertIsNone(cli.poll(), "berth events follows until stopped")
        kill_process_group(cli)

        first_running = statuses.index("RUNNING")
        self.server.kill()
        self.server.start()
        resumed = self.read_stream(ids[first_running], len(ids) - first_running - 1)
        self.assertEqual(resumed, [(i, "ECS Task State Change") for i in ids[first_running + 1:]])

    def test_client_commands_say_in_one_line_what_went_wrong(self):
        spot = ["spot", "interrupt", "--task", "arn:aws:ecs:us-east-1:000000000000:task/default/0123"]
        for args, message in [(["events", "--endpoint-url", self.server.endpoint, "--cluster", "nowhere"], "berth events: Cluster not found."),
                              (["events", "--endpoint-url", "http://127.0.0.1:9"], "berth events: cannot reach http://127.0.0.1:9"),
                              ([*spot, "--server", "http://127.0.0.1:9"], "berth spot interrupt: cannot reach http://127.0.0.1:9")]:
            result = subprocess.run([os.path.join(ROOT, "berth"), *args], capture_output=True, text=True, timeout=60)
            self.assertEqual(result.returncode, 1, result.stderr)
            self.assertEqual(len(result.stderr.strip().splitlines()), 1, result.stderr)
            self.assertTrue(result.stderr.startswith(message), result.stderr)
