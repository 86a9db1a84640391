"""Berth on PostgreSQL (`berth server --store postgres://…`): what one server accepted, another finds after a kill -9.

The second server has a data directory of its own, so everything it finds (cluster, task definition, log events)
came from the database; the two share a --secret-key-file, as servers of one store must (a server with another key is
refused in one line). Needs the server of eng/setup-postgres.sh (BERTH_TEST_POSTGRES, set by eng/test.sh); each
run gets a fresh database, dropped at the end.
"""
import os
import secrets
import subprocess
import tempfile
import time
import unittest
import urllib.parse

from berth_server import BERTH, BerthServer, fresh_postgres_database


class PostgresStoreTest(unittest.TestCase):
    def setUp(self):
        self.store_url = fresh_postgres_database(self) or self.fail(
            "BERTH_TEST_POSTGRES is not set: run export BERTH_TEST_POSTGRES=$(bash eng/setup-postgres.sh | tail -n 1)")
        key = tempfile.NamedTemporaryFile(prefix="berth-key-", delete=False)
        self.addCleanup(os.unlink, key.name)
        with key:
            key.write(secrets.token_bytes(32))
        self.key_file = key.name

    def server(self):
        server = BerthServer(command="server", args=["--store", self.store_url, "--secret-key-file", self.key_file])
        self.addCleanup(server.close)
        server.start()
        return server

    def test_a_second_server_on_the_database_finds_what_the_first_accepted_before_a_kill_9(self):
        first = self.server()
        ecs, logs = first.ecs(), first.client("logs")
        ecs.create_cluster(clusterName="pg")
        ecs.register_task_definition(family="web", containerDefinitions=[{"name": "main", "image": "nginx", "memory": 64}])
        logs.create_log_group(logGroupName="/pg/web")
        first.client("ssm").put_parameter(Name="/pg/password", Value="hunter2", Type="SecureString")
        logs.create_log_stream(logGroupName="/pg/web", logStreamName="main/1")
        now = int(time.time() * 1000)
        logs.put_log_events(logGroupName="/pg/web", logStreamName="main/1",
                            logEvents=[{"timestamp": now, "message": "first"}, {"timestamp": now + 1, "message": "second"}])
        first.kill()

        second = self.server()
        ecs, logs = second.ecs(), second.client("logs")

        self.assertEqual(["pg"], [c["clusterName"] for c in ecs.describe_clusters(clusters=["pg"])["clusters"]])
        self.assertEqual(1, ecs.describe_task_definition(taskDefinition="web")["taskDefinition"]["revision"])
        events = logs.get_log_events(logGroupName="/pg/web", logStreamName="main/1", startFromHead=True)["events"]
        self.assertEqual(["first", "second"], [e["message"] for e in events])
        self.assertEqual("hunter2", second.client("ssm").get_parameter(Name="/pg/password", WithDecryption=True)["Parameter"]["Value"])
        self.assertEqual(2, ecs.register_task_definition(
            family="web", containerDefinitions=[{"name": "main", "image": "nginx", "memory": 64}])["taskDefinition"]["revision"])

    def test_a_server_with_another_secret_key_than_the_database_is_refused_in_one_line(self):
        first = self.server()
        first.client("ssm").put_parameter(Name="/pg/password", Value="hunter2", Type="SecureString")
        # Its own data directory's key, as a second server started without --secret-key-file would have: every read of a
        # sealed value answered 500 before.
        data_dir = tempfile.mkdtemp(prefix="berth-other-key-")
        self.addCleanup(subprocess.run, ["rm", "-rf", data_dir])
        result = subprocess.run([BERTH, "server", "--port", "0", "--data-dir", data_dir,
                                 "--store", self.store_url], capture_output=True, text=True, timeout=300)
        self.assertEqual(2, result.returncode, result.stderr)
        self.assertIn(f"--secret-key-file (BERTH_SECRET_KEY_FILE): {data_dir}/secret.key is not the key this store's secrets are sealed with",
                      result.stderr)
        self.assertEqual("hunter2", first.client("ssm").get_parameter(Name="/pg/password", WithDecryption=True)["Parameter"]["Value"])

    def test_an_unreachable_database_stops_the_start_with_one_line_and_no_password(self):
        url = urllib.parse.urlparse(self.store_url)._replace(netloc="berth:hunter2@127.0.0.1:1").geturl()
        result = subprocess.run([BERTH, "server", "--port", "0", "--store", url],
                                capture_output=True, text=True, timeout=300)
        self.assertEqual(2, result.returncode, result.stderr)
        self.assertIn("--store (BERTH_STORE)", result.stderr)
        self.assertNotIn("hunter2", result.stderr + result.stdout)


if __name__ == "__main__":
    unittest.main()
