"""awslogs container output read back with the aws CLI: `berth up` (server and local agent), real containers."""
import json
import os
import shutil
import subprocess
import time
import unittest
import urllib.error
import urllib.request

from aws_cli import ENV
from berth_server import ROOT
from berth_test_case import BerthUpTestCase


def aws_with_tail():
    """`aws logs tail` exists only in AWS CLI v2; Debian's awscli package (eng/setup-clients.sh) is one."""
    for candidate in ("/usr/bin/aws", shutil.which("aws")):
        if candidate and subprocess.run([candidate, "logs", "tail", "help"], capture_output=True, env=ENV).returncode == 0:
            return candidate
    raise AssertionError("no aws CLI with `logs tail` (AWS CLI v2) is installed; run eng/setup-clients.sh")


class LogsTest(BerthUpTestCase):

    def run_printer(self, family, group, script, **container):
        self.aws("ecs", "register-task-definition", "--family", family, "--container-definitions", json.dumps([{
            "name": "web", "image": "berth/sample-tools", "memory": 16, "command": ["sh", "-c", script],
            "logConfiguration": {"logDriver": "awslogs", "options": {
                "awslogs-group": group, "awslogs-region": "us-east-1", "awslogs-stream-prefix": "web",
                "awslogs-create-group": "true"}}, **container}]))
        deadline = time.time() + 60
        while not self.aws("ecs", "list-container-instances")["containerInstanceArns"]:
            self.assertLess(time.time(), deadline, "the local agent did not register")
            time.sleep(0.5)
        task_arn = self.aws("ecs", "run-task", "--task-definition", family)["tasks"][0]["taskArn"]
        return task_arn, f"web/web/{task_arn.rsplit('/', 1)[1]}"

    def messages(self, group, stream):
        """Every event of the stream from its head, following nextForwardToken until it repeats."""
        messages, token = [], None
        while True:
            args = ["logs", "get-log-events", "--log-group-name", group, "--log-stream-name", stream, "--start-from-head"]
            page = self.aws(*args, *(["--next-token", token] if token else []))
            messages += [e["message"] for e in page["events"]]
            if page["nextForwardToken"] == token:
                return messages
            token = page["nextForwardToken"]

    def shipped_count(self, group, stream):
        """Events stored so far, asked over HTTP directly: the CLI takes seconds to start on a busy machine, too slow
        to catch the output in its middle."""
        request = urllib.request.Request(self.server.endpoint, method="POST", data=json.dumps(
            {"logGroupName": group, "logStreamName": stream, "startFromHead": True}).encode(), headers={
            "X-Amz-Target": "Logs_20140328.GetLogEvents", "Content-Type": "application/x-amz-json-1.1"})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return len(json.load(response)["events"])
        except urllib.error.HTTPError:
            return 0  # the stream does not exist yet

    def wait_for_messages(self, group, stream, count, timeout=90):
        deadline = time.time() + timeout
        while True:
            try:
                messages = self.messages(group, stream)
            except AssertionError:
                messages = []  # the stream does not exist yet
            if len(messages) >= count or time.time() > deadline:
                return messages
            time.sleep(0.5)

    def test_output_survives_a_kill_9_and_is_read_with_aws_logs(self):
        count = 4000
        task_arn, stream = self.run_printer(
            "printer", "/ecs/printer",
            # about 40 s of output, so the kill lands in the middle even on a busy machine
            f"i=1; while [ $i -le {count} ]; do echo \"line $i\"; [ $((i % 50)) -eq 0 ] && sleep 0.5; i=$((i+1)); done; echo ERROR done")
        deadline = time.time() + 60
        while (shipped := self.shipped_count("/ecs/printer", stream)) < 100 and time.time() < deadline:
            time.sleep(0.2)
        self.assertGreaterEqual(shipped, 100)
        self.assertLess(shipped, count, "the kill must come in the middle of the output")

        self.server.kill()  # server and agent die together; the container goes on printing
        time.sleep(1)
        self.server.start()

        messages = self.wait_for_messages("/ecs/printer", stream, count + 1)
        # At least once: a batch stored just before the kill but not yet recorded as shipped comes again. Events are
        # ordered by timestamp, so a resent line sits right next to its first copy.
        deduplicated = [m for i, m in enumerate(messages) if i == 0 or m != messages[i - 1]]
        self.assertEqual(deduplicated, [f"line {i}" for i in range(1, count + 1)] + ["ERROR done"])

        streams = self.aws("logs", "describe-log-streams", "--log-group-name", "/ecs/printer")["logStreams"]
        self.assertEqual([s["logStreamName"] for s in streams], [stream])
        self.assertIn("/ecs/printer", [g["logGroupName"] for g in self.aws("logs", "describe-log-groups")["logGroups"]])
        errors = self.aws("logs", "filter-log-events", "--log-group-name", "/ecs/printer", "--filter-pattern", "ERROR")["events"]
        self.assertEqual([(e["logStreamName"], e["message"]) for e in errors], [(stream, "ERROR done")])
        self.aws("ecs", "wait", "tasks-stopped", "--tasks", task_arn)

    def test_a_container_restarted_by_its_restart_policy_keeps_its_task_and_its_log_stream(self):
        # restartAttemptPeriod's least (60 s): a container that exits sooner would stop its task instead.
        task_arn, stream = self.run_printer("restarter", "/ecs/restarter", "echo started $(date +%s%N); sleep 600",
                                            restartPolicy={"enabled": True, "restartAttemptPeriod": 60})
        self.assertEqual(len(self.wait_for_messages("/ecs/restarter", stream, 1)), 1)
        container = subprocess.run(["docker", "ps", "-q", "--filter", f"label=com.amazonaws.ecs.task-arn={task_arn}"],
                                   capture_output=True, text=True, check=True).stdout.split()
        self.assertEqual(len(container), 1)
        time.sleep(62)
        subprocess.run(["docker", "kill", container[0]], check=True, capture_output=True)

        messages = self.wait_for_messages("/ecs/restarter", stream, 2)
        self.assertEqual([m.split()[0] for m in messages], ["started", "started"], "the same container started again, its output in the same stream")
        task = self.aws("ecs", "describe-tasks", "--tasks", task_arn)["tasks"][0]
        self.assertEqual((task["lastStatus"], task["desiredStatus"]), ("RUNNING", "RUNNING"))
        again = subprocess.run(["docker", "ps", "-q", "--filter", f"label=com.amazonaws.ecs.task-arn={task_arn}"],
                               capture_output=True, text=True, check=True).stdout.split()
        self.assertEqual(again, container, "restarted in place, not replaced")
        self.aws("ecs", "stop-task", "--task", task_arn)

    def test_aws_logs_tail_follow_shows_new_lines(self):
        cli = aws_with_tail()
        self.aws("logs", "create-log-group", "--log-group-name", "/ecs/tail")
        tail = subprocess.Popen([cli, "--endpoint-url", self.server.endpoint, "logs", "tail", "/ecs/tail", "--follow", "--format", "short"],
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=ENV, cwd=ROOT)
        try:
            time.sleep(2)  # tail is polling an empty group
            self.run_printer("tailed", "/ecs/tail", "for i in 1 2 3; do echo \"tail line $i\"; sleep 1; done")
            seen, deadline = [], time.time() + 60
            os.set_blocking(tail.stdout.fileno(), False)
            while time.time() < deadline and not all(f"tail line {i}" in "".join(seen) for i in (1, 2, 3)):
                chunk = tail.stdout.read()  # non-blocking: None while tail has printed nothing new
                if chunk:
                    seen.append(chunk.decode())
                self.assertIsNone(tail.poll(), "".join(seen))
                time.sleep(0.5)
            output = "".join(seen)
            for i in (1, 2, 3):
                self.assertIn(f"tail line {i}", output)
            self.assertEqual(output.count("tail line 1"), 1)  # tail drops events it already printed by eventId
        finally:
            tail.kill()
            tail.wait()
            tail.stdout.close()


if __name__ == "__main__":
    unittest.main()
