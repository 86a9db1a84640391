"""Berth on PostgreSQL (`berth server --store postgres://…`): what one server accepted, another finds after a kill -9.

The second server has a data directory of its own, so everything it finds (cluster, task definition, log events)
came from the database. Needs the server of eng/setup-postgres.sh (BERTH_TEST_POSTGRES, set by eng/test.sh); each
run gets a fresh database, dropped at the end.
"""
import os
import subprocess
import time
import unittest
import urllib.parse

from berth_server import BerthServer, fresh_postgres_database


class PostgresStoreTest(unittest.TestCase):
    def setUp(self):
        self.store_url = fresh_postgres_database(self) or self.fail(
            "BERTH_TEST_POSTGRES is not set: run export BERTH_TEST_POSTGRES=$(bash eng/setup-postgres.sh | tail -n 1)")

    def server(self):
        server = BerthServer(command="server", args=["--store", self.store_url])
        self.addCleanup(server.close)
        server.start()
        return server

    def test_a_second_server_on_the_database_finds_what_the_first_accepted_before_a_kill_9(self):
        first = self.server()
        ecs, logs = first.ecs(), first.client("logs")
        ecs.create_cluster(clusterName="pg")
        ecs.register_task_definition(family="web", containerDefinitions=[{"name": "main", "image": "nginx", "memory": 64}])
        logs.create_log_group(logGroupName="/pg/web")
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
        self.assertEqual(2, ecs.register_task_definition(
            family="web", containerDefinitions=[{"name": "main", "image": "nginx", "memory": 64}])["taskDefinition"]["revision"])

    def test_an_unreachable_database_stops_the_start_with_one_line_and_no_password(self):
        url = urllib.parse.urlparse(self.store_url)._replace(netloc="berth:hunter2@127.0.0.1:1").geturl()
        result = subprocess.run([os.path.join(os.path.dirname(__file__), "..", "..", "berth"), "server", "--port", "0", "--store", url],
                                capture_output=True, text=True, timeout=300)
        self.assertEqual(2, result.returncode, result.stderr)
        self.assertIn("--store (BERTH_STORE)", result.stderr)
        self.assertNotIn("hunter2", result.stderr + result.stdout)


if __name__ == "__main__":
    unittest.main()
