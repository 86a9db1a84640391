"""Task roles end to end: `berth up --auth sigv4`, a real container that reads its task's credentials at
169.254.170.2$AWS_CONTAINER_CREDENTIALS_RELATIVE_URI (busybox wget) and prints them to its awslogs, and boto3 calling
Berth with exactly those credentials: allowed what the role's policy allows, refused the rest (AccessDeniedException
naming the task's role session), and refused altogether once the task has stopped. Execution roles: a task's awslogs
are written as its execution role, so a role without logs permissions fails the task start as on ECS.
"""
import json
import time
import unittest

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from berth_server import BerthServer, wait_until

NO_RETRIES = Config(retries={"max_attempts": 1, "mode": "standard"})

TRUST_ECS_TASKS = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}]})

# The probe prints the endpoint's answer on one line of its own, then stays up so its credentials stay current.
PROBE = ('for i in $(seq 1 30); do timeout 3 wget -q -O /tmp/c "http://169.254.170.2$AWS_CONTAINER_CREDENTIALS_RELATIVE_URI" '
         '&& break; sleep 1; done; echo "CREDENTIALS $(cat /tmp/c)"; sleep 600')


class TaskRoleTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = BerthServer(command="up", auth="sigv4")
        cls.server.start()
        cls.server.wait_for_local_agent(cls.server.ecs())

    @classmethod
    def tearDownClass(cls):
        cls.server.close()

    def client(self, service, credentials):
        return boto3.client(service, endpoint_url=self.server.endpoint, region_name="us-east-1", config=NO_RETRIES,
                            aws_access_key_id=credentials["AccessKeyId"], aws_secret_access_key=credentials["SecretAccessKey"],
                            aws_session_token=credentials["Token"])

    def error_of(self, call):
        with self.assertRaises(ClientError) as raised:
            call()
        error = raised.exception.response
        return error["ResponseMetadata"]["HTTPStatusCode"], error["Error"]["Code"], error["Error"]["Message"]

    def printed_credentials(self, logs, group, stream):
        def read():
            try:
                events = logs.get_log_events(logGroupName=group, logStreamName=stream)["events"]
            except logs.exceptions.ResourceNotFoundException:
                return None
            lines = [e["message"] for e in events if e["message"].startswith("CREDENTIALS ")]
            return json.loads(lines[0][len("CREDENTIALS "):]) if lines else None
        credentials = wait_until(read, 90, interval=1)
        self.assertIsNotNone(credentials, "the container printed no credentials")
        return credentials

    def test_a_container_calls_berth_with_its_task_roles_credentials_and_gets_what_the_role_allows(self):
        iam, ecs, logs = self.server.client("iam"), self.server.ecs(), self.server.client("logs")
        role = iam.create_role(RoleName="cluster-reader", AssumeRolePolicyDocument=TRUST_ECS_TASKS)["Role"]
        iam.put_role_policy(RoleName="cluster-reader", PolicyName="read-clusters", PolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["ecs:ListClusters", "ecs:DescribeClusters"], "Resource": "*"}]}))
        group = "/berth/task-role-test"
        ecs.register_task_definition(family="role-probe", taskRoleArn=role["Arn"], containerDefinitions=[{
            "name": "probe", "image": "berth/sample-tools", "memory": 32, "command": ["sh", "-c", PROBE],
            "logConfiguration": {"logDriver": "awslogs", "options": {
                "awslogs-group": group, "awslogs-region": "us-east-1", "awslogs-stream-prefix": "probe", "awslogs-create-group": "true"}}}])
        task_arn = ecs.run_task(cluster="default", taskDefinition="role-probe")["tasks"][0]["taskArn"]
        task_id = task_arn.rsplit("/", 1)[1]

        credentials = self.printed_credentials(logs, group, f"probe/probe/{task_id}")
        self.assertEqual(role["Arn"], credentials["RoleArn"])
        self.assertTrue(credentials["AccessKeyId"].startswith("ASIA"), credentials["AccessKeyId"])

        session = f"arn:aws:sts::000000000000:assumed-role/cluster-reader/{task_id}"
        self.assertEqual(session, self.client("sts", credentials).get_caller_identity()["Arn"])
        as_task = self.client("ecs", credentials)
        self.assertIn("arn:aws:ecs:us-east-1:000000000000:cluster/default", as_task.list_clusters()["clusterArns"])
        self.assertEqual("default", as_task.describe_clusters(clusters=["default"])["clusters"][0]["clusterName"])
        status, code, message = self.error_of(lambda: as_task.run_task(cluster="default", taskDefinition="role-probe"))
        self.assertEqual((403, "AccessDeniedException"), (status, code))
        self.assertIn(f"User: {session} is not authorized to perform: ecs:RunTask", message)
        self.assertEqual((403, "AccessDeniedException"), self.error_of(lambda: as_task.stop_task(cluster="default", task=task_arn))[:2])

        # Once the task has stopped, its credentials are revoked (not merely left to expire).
        ecs.stop_task(cluster="default", task=task_arn)

        def refused():
            try:
                as_task.list_clusters()
                return None
            except ClientError as e:
                return e.response["Error"]["Code"]
        self.assertEqual("UnrecognizedClientException", wait_until(refused, 90, interval=1))

    def test_awslogs_are_written_as_the_execution_role_and_a_role_without_logs_permissions_fails_the_task(self):
        iam, ecs, logs = self.server.client("iam"), self.server.ecs(), self.server.client("logs")
        writer = iam.create_role(RoleName="log-writer", AssumeRolePolicyDocument=TRUST_ECS_TASKS)["Role"]["Arn"]
        iam.put_role_policy(RoleName="log-writer", PolicyName="write-logs", PolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"], "Resource": "*"}]}))
        mute = iam.create_role(RoleName="no-logs", AssumeRolePolicyDocument=TRUST_ECS_TASKS)["Role"]["Arn"]
        group = "/berth/execution-role-test"
        logs.create_log_group(logGroupName=group)

        def run(family, execution_role):
            ecs.register_task_definition(family=family, executionRoleArn=execution_role, containerDefinitions=[{
                "name": "app", "image": "berth/sample-tools", "memory": 32, "command": ["sh", "-c", "echo written by $HOSTNAME"],
                "logConfiguration": {"logDriver": "awslogs", "options": {
                    "awslogs-group": group, "awslogs-region": "us-east-1", "awslogs-stream-prefix": family}}}])
            return ecs.run_task(cluster="default", taskDefinition=family)["tasks"][0]["taskArn"]

        refused_arn = run("no-logs", mute)
        stopped = wait_until(lambda: next((t for t in ecs.describe_tasks(cluster="default", tasks=[refused_arn])["tasks"]
                                           if t["lastStatus"] == "STOPPED"), None), 90, interval=1)
        self.assertIsNotNone(stopped, "the task without logs permissions did not stop")
        refused_id = refused_arn.rsplit("/", 1)[1]
        self.assertEqual("TaskFailedToStart", stopped["stopCode"])
        self.assertTrue(stopped["stoppedReason"].startswith(
            "ResourceInitializationError: failed to validate logger args: create stream has been retried 1 times: failed to create Cloudwatch log "
            f"stream: AccessDeniedException: User: arn:aws:sts::000000000000:assumed-role/no-logs/{refused_id} is not authorized to perform: "
            "logs:CreateLogStream"), stopped["stoppedReason"])

        written_arn = run("log-writer", writer)
        stream = f"log-writer/app/{written_arn.rsplit('/', 1)[1]}"

        def messages():
            try:
                return [e["message"] for e in logs.get_log_events(logGroupName=group, logStreamName=stream)["events"]] or None
            except logs.exceptions.ResourceNotFoundException:
                return None
        lines = wait_until(messages, 90, interval=1)
        self.assertIsNotNone(lines, "the task's output never arrived")
        self.assertTrue(lines[0].startswith("written by "), lines)


if __name__ == "__main__":
    unittest.main()
