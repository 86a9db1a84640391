"""The ELBv2 tour from issue 7, driven through the real aws CLI against a real Berth server, with real
HTTP backends on loopback standing in for containers."""
import http.server
import threading
import time
import unittest
import urllib.request

from aws_cli import aws
from berth_server import BerthServer, free_port


def backend(name):
    """An HTTP server answering its name at every path (/health included), on a free loopback port."""
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):
            body = name.encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


class Elbv2TourTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = BerthServer()
        cls.server.start()
        cls.backends = [backend("a"), backend("b")]

    @classmethod
    def tearDownClass(cls):
        for b in cls.backends:
            b.shutdown()
        cls.server.close()

    def aws(self, *args, expect_error=None):
        return aws(self, self.server.endpoint, "elbv2", *args, expect_error=expect_error)

    def wait_for(self, what, condition, seconds=30):
        deadline = time.time() + seconds
        while not condition():
            self.assertLess(time.time(), deadline, f"timed out waiting for {what}")
            time.sleep(0.2)

    def health(self, tg):
        described = self.aws("describe-target-health", "--target-group-arn", tg)["TargetHealthDescriptions"]
        return {d["Target"]["Port"]: d["TargetHealth"] for d in described}

    def test_tour_from_the_issue(self):
        lb = self.aws("create-load-balancer", "--name", "web-lb", "--type", "application",
                      "--subnets", "subnet-local-a")["LoadBalancers"][0]
        self.assertRegex(lb["LoadBalancerArn"],
                         r"^arn:aws:elasticloadbalancing:us-east-1:000000000000:loadbalancer/app/web-lb/[0-9a-f]{16}$")
        self.assertTrue(lb["DNSName"].endswith(".us-east-1.elb.localhost"))
        self.assertEqual(lb["State"]["Code"], "active")

        tg = self.aws("create-target-group", "--name", "web-tg", "--protocol", "HTTP", "--port", "80",
                      "--target-type", "ip", "--health-check-path", "/health",
                      "--health-check-interval-seconds", "5", "--healthy-threshold-count", "2")["TargetGroups"][0]
        self.assertEqual((tg["HealthCheckPath"], tg["HealthCheckIntervalSeconds"], tg["HealthyThresholdCount"]),
                         ("/health", 5, 2))
        tg_arn = tg["TargetGroupArn"]

        port = free_port()
        listener = self.aws("create-listener", "--load-balancer-arn", lb["LoadBalancerArn"], "--protocol", "HTTP",
                            "--port", str(port), "--default-actions",
                            f"Type=forward,TargetGroupArn={tg_arn}")["Listeners"][0]
        self.assertEqual(listener["DefaultActions"][0]["TargetGroupArn"], tg_arn)

        ports = [b.server_address[1] for b in self.backends]
        self.aws("register-targets", "--target-group-arn", tg_arn,
                 "--targets", *[f"Id=127.0.0.1,Port={p}" for p in ports])
        self.assertEqual({h["State"] for h in self.health(tg_arn).values()} - {"healthy"}, {"initial"})

        self.wait_for("both targets healthy",
                      lambda: [h["State"] for h in self.health(tg_arn).values()] == ["healthy", "healthy"])

        answers = [urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10).read().decode() for _ in range(4)]
        self.assertEqual(sorted(answers), ["a", "a", "b", "b"])
        self.assertTrue(all(x != y for x, y in zip(answers, answers[1:])), answers)

        self.aws("modify-target-group-attributes", "--target-group-arn", tg_arn,
                 "--attributes", "Key=deregistration_delay.timeout_seconds,Value=2")
        self.aws("deregister-targets", "--target-group-arn", tg_arn, "--targets", f"Id=127.0.0.1,Port={ports[0]}")
        draining = self.health(tg_arn)[ports[0]]
        self.assertEqual((draining["State"], draining["Reason"]), ("draining", "Target.DeregistrationInProgress"))
        self.assertEqual({urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10).read().decode()
                          for _ in range(4)}, {"b"})
        self.wait_for("draining to end", lambda: ports[0] not in self.health(tg_arn))

        self.aws("describe-target-groups", "--names", "nope", expect_error="TargetGroupNotFound")
        self.aws("create-load-balancer", "--name", "nlb", "--type", "network", expect_error="UnsupportedFeature")
        self.aws("delete-listener", "--listener-arn", listener["ListenerArn"])
        self.aws("delete-target-group", "--target-group-arn", tg_arn)
        self.aws("delete-load-balancer", "--load-balancer-arn", lb["LoadBalancerArn"])
        self.assertEqual(self.aws("describe-load-balancers")["LoadBalancers"], [])


if __name__ == "__main__":
    unittest.main()
