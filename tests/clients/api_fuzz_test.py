"""The short fuzz run: a few thousand valid, mutated and hostile requests across every operation of ECS, CloudWatch
Logs, CloudWatch (RPC v2 CBOR, AWS JSON 1.0, query), ELBv2, SSM, Secrets Manager and Cost Explorer against
`berth server` (no agent, so nothing can start a container). No answer may be a 5xx or leave the protocol's error
shape, and the server must keep serving.

The seed is fixed so the suite is repeatable; BERTH_FUZZ_SEED and BERTH_FUZZ_REQUESTS explore further, and the long
run is bench/api_fuzz.py."""
import os
import unittest

from berth_server import BerthServer
from fuzzing.runner import Fuzzer

SEED = int(os.environ.get("BERTH_FUZZ_SEED", "20261204"))
REQUESTS = int(os.environ.get("BERTH_FUZZ_REQUESTS", "3000"))


class ApiFuzzTest(unittest.TestCase):
    def test_no_request_gets_a_server_error_and_the_server_keeps_serving(self):
        server = BerthServer(command="server")
        self.addCleanup(server.close)
        server.start()
        fuzzer = Fuzzer(server.endpoint, SEED)
        self.addCleanup(fuzzer.close)
        fuzzer.prepare()

        report = fuzzer.run(REQUESTS, workers=2)

        print(report.summary())
        self.assertEqual(report.failures, [], f"seed {SEED}: replay one with python3 bench/api_fuzz.py --seed {SEED} --only N")
        self.assertEqual(report.sent, REQUESTS)
        self.assertGreater(report.statuses.get("2xx", 0), REQUESTS // 20, "too few valid requests succeeded to reach the handlers")
        self.assertIsNone(server.process.poll(), "the server exited")


if __name__ == "__main__":
    unittest.main()
