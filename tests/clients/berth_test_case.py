"""A unittest base class for client tests that share one `berth up` (server and local agent) per test class."""
import unittest

from aws_cli import aws
from berth_server import BerthServer


class BerthUpTestCase(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = BerthServer(command="up")
        cls.addClassCleanup(cls.server.close)  # also when start() fails
        cls.server.start()

    def aws(self, *args, **kwargs):
        """The real aws CLI against this class's server; parsed JSON, or the error text with expect_error."""
        return aws(self, self.server.endpoint, *args, **kwargs)
