"""Starts a real Berth control plane (./berth server) on a free loopback port for client tests."""
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class BerthServer:
    """One server process with its own data directory; kill() is kill -9, start() again reuses the data."""

    def __init__(self):
        self.port = free_port()
        self.data_dir = tempfile.mkdtemp(prefix="berth-client-test-")
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.process = None
        self.log = open(os.path.join(self.data_dir, "server.log"), "ab")

    def start(self):
        self.process = subprocess.Popen(
            [os.path.join(ROOT, "berth"), "server", "--port", str(self.port), "--data-dir", self.data_dir],
            stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.time() + 120  # the first start may build Berth
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"berth server exited with {self.process.returncode}; see {self.log.name}")
            try:
                with urllib.request.urlopen(f"{self.endpoint}/_berth/health", timeout=1) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("berth server did not answer within 120 s")

    def kill(self):
        """kill -9 of the whole process group: nothing gets a chance to flush or shut down cleanly."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def close(self):
        self.kill()
        self.log.close()
        shutil.rmtree(self.data_dir, ignore_errors=True)
