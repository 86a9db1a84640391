"""Secret injection with real containers: `berth up`, a task whose container prints an SSM SecureString and a Secrets
Manager value it got as environment variables (so the values did reach it) and its task metadata, read from inside at
$ECS_CONTAINER_METADATA_URI_V4; then DescribeTasks, DescribeTaskDefinition, the event stream, that metadata and the
server's log are searched for the values and contain none. Then the redeploy opt-in (berth:redeploy-on-secret-change)
end to end: each new parameter version gives the service exactly one new deployment, whose task prints the new value.
"""
import json
import socket
import time
import unittest
import urllib.request

from berth_server import wait_until
from berth_test_case import BerthUpTestCase

PARAMETER_VALUE = "param-7c41e0-never-shown"
SECRET_VALUE = "secret-2b9f5d-never-shown"
EXECUTION_ROLE = "arn:aws:iam::000000000000:role/exec"
GROUP = "/berth/secret-injection-test"
BECAUSE = "has started a new deployment because secret /redeploy/token changed."

# Prints the injected values, then the task metadata as the container sees it, each on a line of its own.
PRINTER = ('echo "VALUES $DB $API"; '
           'for i in $(seq 1 30); do timeout 3 wget -q -O /tmp/m "$ECS_CONTAINER_METADATA_URI_V4/task" && break; sleep 1; done; '
           'echo "METADATA $(cat /tmp/m)"; sleep 600')


class SecretInjectionTest(BerthUpTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server.wait_for_local_agent(cls.server.ecs())
        cls.server.client("logs").create_log_group(logGroupName=GROUP)

    def lines(self, stream, prefix, count=1):
        """The first `count` lines of an awslogs stream that start with `prefix`, waiting for them."""
        logs = self.server.client("logs")

        def read():
            try:
                events = logs.get_log_events(logGroupName=GROUP, logStreamName=stream, startFromHead=True)["events"]
            except logs.exceptions.ResourceNotFoundException:
                return None
            found = [e["message"] for e in events if e["message"].startswith(prefix)]
            return found[:count] if len(found) >= count else None
        found = wait_until(read, 120, interval=1)
        self.assertIsNotNone(found, f"no {prefix!r} line in {stream}")
        return found

    def event_stream(self):
        """Every event of cluster default so far, as the raw text of the stream (read until it goes quiet)."""
        chunks = []
        with urllib.request.urlopen(f"{self.server.endpoint}/_berth/events?cluster=default", timeout=5) as response:
            try:
                while line := response.readline():
                    chunks.append(line.decode())
            except (TimeoutError, socket.timeout):
                pass
        return "".join(chunks)

    def assert_no_value(self, text, where):
        for value in (PARAMETER_VALUE, SECRET_VALUE):
            self.assertNotIn(value, text, f"{where} shows a secret value")

    def test_values_reach_the_container_and_nowhere_else(self):
        ssm, sm, ecs = self.server.client("ssm"), self.server.client("secretsmanager"), self.server.ecs()
        ssm.put_parameter(Name="/inject/db", Value=PARAMETER_VALUE, Type="SecureString")
        secret_arn = sm.create_secret(Name="inject/api", SecretString=SECRET_VALUE)["ARN"]
        ecs.register_task_definition(family="injected", executionRoleArn=EXECUTION_ROLE, containerDefinitions=[{
            "name": "app", "image": "berth/sample-tools", "memory": 32, "command": ["sh", "-c", PRINTER],
            "secrets": [{"name": "DB", "valueFrom": "/inject/db"}, {"name": "API", "valueFrom": secret_arn}],
            "logConfiguration": {"logDriver": "awslogs", "options": {
                "awslogs-group": GROUP, "awslogs-region": "us-east-1", "awslogs-stream-prefix": "injected"}}}])
        task_arn = ecs.run_task(cluster="default", taskDefinition="injected")["tasks"][0]["taskArn"]
        stream = f"injected/app/{task_arn.rsplit('/', 1)[1]}"

        self.assertEqual([f"VALUES {PARAMETER_VALUE} {SECRET_VALUE}"], self.lines(stream, "VALUES "))
        metadata = self.lines(stream, "METADATA ")[0][len("METADATA "):]
        self.assertEqual(task_arn, json.loads(metadata)["TaskARN"])
        self.assert_no_value(metadata, "the task metadata endpoint")

        described = json.dumps(ecs.describe_tasks(cluster="default", tasks=[task_arn]), default=str)
        self.assertIn("RUNNING", described)
        self.assert_no_value(described, "DescribeTasks")
        definition = json.dumps(ecs.describe_task_definition(taskDefinition="injected"), default=str)
        self.assertIn("/inject/db", definition)
        self.assert_no_value(definition, "DescribeTaskDefinition")
        ecs.stop_task(cluster="default", task=task_arn)
        stopped = wait_until(lambda: ecs.describe_tasks(cluster="default", tasks=[task_arn])["tasks"][0]["lastStatus"] == "STOPPED", 120, interval=1)
        self.assertTrue(stopped, "the task did not stop")
        events = self.event_stream()
        self.assertIn(task_arn, events)
        self.assert_no_value(events, "the event stream")
        self.server.log.flush()
        with open(self.server.log.name, encoding="utf-8", errors="replace") as log:
            text = log.read()
        self.assertIn(task_arn.rsplit("/", 1)[1], text, "the server's log should name the task (else searching it proves nothing)")
        self.assert_no_value(text, "the server's log")

    def test_a_tagged_service_gets_one_new_deployment_per_new_version(self):
        ssm, ecs = self.server.client("ssm"), self.server.ecs()
        ssm.put_parameter(Name="/redeploy/token", Value="token-1", Type="SecureString")
        ecs.register_task_definition(family="redeployed", executionRoleArn=EXECUTION_ROLE, containerDefinitions=[{
            "name": "app", "image": "berth/sample-tools", "memory": 32, "command": ["sh", "-c", 'echo "TOKEN $TOKEN"; sleep 600'],
            "secrets": [{"name": "TOKEN", "valueFrom": "/redeploy/token"}],
            "logConfiguration": {"logDriver": "awslogs", "options": {
                "awslogs-group": GROUP, "awslogs-region": "us-east-1", "awslogs-stream-prefix": "redeployed"}}}])
        ecs.create_service(cluster="default", serviceName="redeployed", taskDefinition="redeployed", desiredCount=1,
                           tags=[{"key": "berth:redeploy-on-secret-change", "value": "true"}])

        def service():
            return ecs.describe_services(cluster="default", services=["redeployed"])["services"][0]

        def settled_task():
            """The one running task once only the PRIMARY deployment is left and it runs its task."""
            current = service()
            deployments = current["deployments"]
            if len(deployments) != 1 or deployments[0]["runningCount"] != 1:
                return None
            tasks = ecs.list_tasks(cluster="default", serviceName="redeployed", desiredStatus="RUNNING")["taskArns"]
            return tasks[0] if len(tasks) == 1 else None

        def redeployments():
            return [e["message"] for e in service()["events"] if BECAUSE in e["message"]]

        first = wait_until(settled_task, 180, interval=1)
        self.assertIsNotNone(first, "the service never ran its task")
        self.assertEqual(["TOKEN token-1"], self.lines(f"redeployed/app/{first.rsplit('/', 1)[1]}", "TOKEN "))

        for version, expected in ((2, 1), (3, 2)):
            ssm.put_parameter(Name="/redeploy/token", Value=f"token-{version}", Type="SecureString", Overwrite=True)
            self.assertIsNotNone(wait_until(lambda: len(redeployments()) >= expected or None, 60, interval=1), "no new deployment")
            task = wait_until(lambda: (t := settled_task()) and t != first and t, 180, interval=1)
            self.assertIsNotNone(task, f"version {version}'s deployment never settled")
            self.assertEqual([f"TOKEN token-{version}"], self.lines(f"redeployed/app/{task.rsplit('/', 1)[1]}", "TOKEN "))
            # Several of the server's 5-second passes later, still one deployment for this version.
            time.sleep(12)
            self.assertEqual(expected, len(redeployments()))
            first = task
        ecs.update_service(cluster="default", service="redeployed", desiredCount=0)


if __name__ == "__main__":
    unittest.main()
