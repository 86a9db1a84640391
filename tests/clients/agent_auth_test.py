"""Agents' own identities on a server started with --auth sigv4, with real `berth agent` processes and Docker.

An agent without credentials cannot register. An admin makes a join token with `berth agent token create`; an agent
started with it (BERTH_JOIN_TOKEN) joins, keeps its own key in its data directory (mode 0600) and runs a task.
Once its instance is deregistered, the key it kept is refused (UnrecognizedClientException) and, the token being
revoked, it cannot join again.
"""
import json
import os
import stat
import subprocess
import time
import unittest
import urllib.error
import urllib.request

import botocore.auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from berth_server import ROOT, BerthServer, kill_process_group, wait_until

CLUSTER = "joined"


class AgentIdentityTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = BerthServer(command="server", auth="sigv4")
        cls.server.start()
        cls.ecs = cls.server.ecs()
        cls.ecs.create_cluster(clusterName=CLUSTER)

    @classmethod
    def tearDownClass(cls):
        cls.server.remove_containers()
        cls.server.close()

    def env(self, **extra):
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "BERTH_"))}
        env.update(extra)
        return env

    def berth(self, *args):
        """A `berth agent token …` command signed with the root key, as an admin runs it."""
        key_id, secret = self.server.root_key
        result = subprocess.run([os.path.join(ROOT, "berth"), *args, "--server", self.server.endpoint], capture_output=True, text=True,
                                env=self.env(AWS_ACCESS_KEY_ID=key_id, AWS_SECRET_ACCESS_KEY=secret), timeout=300)
        self.assertEqual(result.returncode, 0, result.stderr)
        return result.stdout

    def log_text(self):
        self.server.log.flush()
        with open(self.server.log.name, encoding="utf-8", errors="replace") as log:
            return log.read()

    def signed_poll(self, key_id, secret, instance_arn):
        """The agent protocol's poll, signed with the given key as the agent signs it: (HTTP status, error type)."""
        body = json.dumps({"containerInstanceArn": instance_arn, "assignmentsVersion": 0, "waitSeconds": 0})
        request = AWSRequest(method="POST", url=f"{self.server.endpoint}/_berth/agent/v1/poll", data=body,
                             headers={"Content-Type": "application/json"})
        botocore.auth.SigV4Auth(Credentials(key_id, secret), "ecs", "us-east-1").add_auth(request)
        prepared = urllib.request.Request(request.url, data=body.encode(), headers=dict(request.headers.items()), method="POST")
        try:
            with urllib.request.urlopen(prepared, timeout=30) as response:
                return response.status, None
        except urllib.error.HTTPError as e:
            return e.code, e.headers.get("x-amzn-ErrorType")

    def test_an_agent_without_credentials_cannot_register(self):
        agent = self.server.start_agent(CLUSTER, name="anonymous", env=self.env())
        self.addCleanup(kill_process_group, agent)
        refused = wait_until(lambda: "RegisterContainerInstance failed (403 MissingAuthenticationTokenException" in self.log_text(), 120)
        self.assertTrue(refused, "the unsigned agent's registration was not refused")
        self.assertEqual(self.ecs.list_container_instances(cluster=CLUSTER)["containerInstanceArns"], [])

    def test_an_agent_joins_with_a_token_runs_a_task_and_is_refused_once_deregistered(self):
        created = self.berth("agent", "token", "create", "--cluster", CLUSTER, "--expires-in", "1h")
        token = next(line.strip() for line in created.splitlines() if line.strip().startswith("berth-join."))
        token_id = token.split(".")[1]
        self.assertIn(token_id, self.berth("agent", "token", "list", "--cluster", CLUSTER))
        self.assertNotIn(token.split(".")[2], self.berth("agent", "token", "list"))

        agent = self.server.start_agent(CLUSTER, name="token-agent", env=self.env(BERTH_JOIN_TOKEN=token))
        self.addCleanup(kill_process_group, agent)
        arns = wait_until(lambda: self.ecs.list_container_instances(cluster=CLUSTER)["containerInstanceArns"], 120)
        self.assertTrue(arns, "the agent with a join token did not register")
        instance_arn = arns[0]

        identity_file = os.path.join(self.server.data_dir, "token-agent", "identity.json")
        # The server lists the instance once the join commits; the agent writes its key file when the join's answer arrives.
        self.assertTrue(wait_until(lambda: os.path.exists(identity_file), 30), "the agent wrote no identity.json within 30 s")
        self.assertEqual(stat.S_IMODE(os.stat(identity_file).st_mode), 0o600)
        with open(identity_file, encoding="utf-8") as f:
            identity = json.load(f)
        self.assertEqual(identity["containerInstanceArn"], instance_arn)
        self.assertTrue(identity["accessKeyId"].startswith("AKIA"))
        self.assertNotEqual(identity["accessKeyId"], self.server.root_key[0])

        self.ecs.register_task_definition(family="joined-sleep", containerDefinitions=[
            {"name": "main", "image": "berth/sample-tools", "memory": 16, "command": ["sleep", "600"]}])
        task = self.ecs.run_task(cluster=CLUSTER, taskDefinition="joined-sleep")["tasks"][0]["taskArn"]
        self.ecs.get_waiter("tasks_running").wait(cluster=CLUSTER, tasks=[task], WaiterConfig={"Delay": 1, "MaxAttempts": 120})
        self.assertEqual(self.signed_poll(identity["accessKeyId"], identity["secretAccessKey"], instance_arn)[0], 200)

        self.berth("agent", "token", "revoke", token_id)
        self.ecs.deregister_container_instance(cluster=CLUSTER, containerInstance=instance_arn, force=True)

        self.assertEqual(self.signed_poll(identity["accessKeyId"], identity["secretAccessKey"], instance_arn),
                         (403, "UnrecognizedClientException"))
        dropped = wait_until(lambda: "refused the instance's own key" in self.log_text(), 120)
        self.assertTrue(dropped, "the agent did not notice that its key was revoked")
        rejoin_refused = wait_until(lambda: "The join token is not valid" in self.log_text(), 120)
        self.assertTrue(rejoin_refused, "the agent's join with the revoked token was not refused")
        time.sleep(2)
        self.assertEqual(self.ecs.list_container_instances(cluster=CLUSTER)["containerInstanceArns"], [])


if __name__ == "__main__":
    unittest.main()
