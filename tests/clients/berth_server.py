"""Starts a real Berth control plane (./berth server) on a free loopback port for client tests."""
import hashlib
import json
import os
import random
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import time
import urllib.parse
import urllib.request
import uuid

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
# The Berth the tests start: ./berth (which builds itself) unless BERTH_EXECUTABLE names another, e.g. a Native AOT
# binary from eng/publish-aot.sh, so the same tests and benchmarks run against it.
BERTH = os.environ.get("BERTH_EXECUTABLE") or os.path.join(ROOT, "berth")


def wait_until(check, seconds, interval=0.2):
    """check()'s first truthy result, polling every `interval` seconds; None when `seconds` pass without one."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        result = check()
        if result:
            return result
        time.sleep(interval)
    return None


def wait_for(check, seconds, interval=0.2):
    """check()'s first truthy result, as wait_until, but a TimeoutError when `seconds` pass without one (for benchmarks,
    which have no test case to fail)."""
    result = wait_until(check, seconds, interval)
    if not result:
        raise TimeoutError(f"gave up waiting after {seconds} s")
    return result


def kill_process_group(process):
    """kill -9 of a process started in its own session, with everything it started; a finished one is left alone."""
    if process and process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def remove_agent_containers(agent_namespace):
    """Removes every container an agent of that namespace made (they outlive a kill -9 of Berth by design)."""
    ids = subprocess.run(["docker", "ps", "-aq", "--filter", f"label=org.berth.agent={agent_namespace}"],
                         capture_output=True, text=True).stdout.split()
    if ids:
        subprocess.run(["docker", "rm", "-f", *ids], capture_output=True)


# The --network-configuration of an awsvpc task in one subnet, with the seeded sg-web group.
AWSVPC_NETWORK = "awsvpcConfiguration={{subnets=[{subnet}],securityGroups=[sg-web],assignPublicIp=DISABLED}}"


def own_subnet_config(prefix):
    """A --vpc-config file with one subnet of this run's own (id and CIDR), so parallel runs never share a Docker
    network or an address. Returns (subnet id, CIDR, file path); the caller deletes the file."""
    subnet = f"{prefix}-{os.getpid()}"
    cidr = f"10.200.{random.randint(100, 250)}.0/24"
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as config:
        json.dump({"subnets": [{"subnetId": subnet, "vpcId": "vpc-berth-local", "cidrBlock": cidr}]}, config)
    return subnet, cidr, config.name


def fresh_postgres_database(test):
    """The URL of a new, empty database on the test PostgreSQL server (BERTH_TEST_POSTGRES, from eng/setup-postgres.sh),
    dropped when `test` ends, so no run sees another's state; None when the variable is unset."""
    admin_url = os.environ.get("BERTH_TEST_POSTGRES")
    if not admin_url:
        return None
    database = f"berth_client_{uuid.uuid4().hex[:12]}"

    def psql(sql):
        subprocess.run(["psql", admin_url, "-v", "ON_ERROR_STOP=1", "-qc", sql], check=True, capture_output=True)
    psql(f"CREATE DATABASE {database}")
    test.addCleanup(psql, f"DROP DATABASE {database} WITH (FORCE)")
    return urllib.parse.urlparse(admin_url)._replace(path=f"/{database}").geturl()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class BerthServer:
    """One server process with its own data directory; kill() is kill -9, start() again reuses the data.

    command "server" runs the control plane alone; "up" adds the local agent (real Docker containers),
    whose containers carry an agent namespace unique to this test run so cleanup finds exactly them.
    """

    def __init__(self, command="server", args=(), auth=None, tls=None):
        """`tls`: (certificate, key) PEM paths for --tls-cert/--tls-key; the endpoint is then https and the certificate
        is the one the clients trust."""
        self.command = command
        self.auth = auth
        self.args = list(args) + (["--auth", auth] if auth else []) + (["--tls-cert", tls[0], "--tls-key", tls[1]] if tls else [])
        self.ca_bundle = tls[0] if tls else None
        self.root_key = None  # (access key id, secret) of a sigv4 server, read from its first start's output
        self.agent_namespace = f"berth-test-{os.getpid()}-{free_port()}"
        self.port = free_port()
        self.data_dir = tempfile.mkdtemp(prefix="berth-client-test-")
        self.endpoint = f"{'https' if tls else 'http'}://127.0.0.1:{self.port}"
        self.process = None
        self.log = open(os.path.join(self.data_dir, "server.log"), "ab")

    def start(self):
        self.process = subprocess.Popen(
            [BERTH, self.command, "--port", str(self.port), "--data-dir", self.data_dir, *self.args],
            stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True,
            env=dict(os.environ, BERTH_AGENT_NAMESPACE=self.agent_namespace, BERTH_METADATA_PORT="0"))
        deadline = time.time() + 120  # the first start may build Berth
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"berth server exited with {self.process.returncode}; see {self.log.name}")
            if self._answers():
                # Read outside the wait's OSError handling: a test may mount over the data directory, log included.
                if self.auth == "sigv4":
                    self.root_key = self.root_key or self._printed_root_key()
                return
            time.sleep(0.2)
        self.kill()  # a server that never answered must not outlive the test
        raise RuntimeError("berth server did not answer within 120 s")

    def _answers(self):
        trust = ssl.create_default_context(cafile=self.ca_bundle) if self.ca_bundle else None
        try:
            with urllib.request.urlopen(f"{self.endpoint}/_berth/health", timeout=1, context=trust) as response:
                return response.status == 200
        except OSError:
            return False

    def _printed_root_key(self):
        """The root key a sigv4 server printed when it created it (the only time its secret is shown), or None."""
        self.log.flush()
        with open(self.log.name, encoding="utf-8", errors="replace") as log:
            text = log.read()
        values = {}
        for line in text.splitlines():
            name, _, value = line.strip().partition(" = ")
            if name in ("aws_access_key_id", "aws_secret_access_key"):
                values[name] = value
        return (values["aws_access_key_id"], values["aws_secret_access_key"]) if len(values) == 2 else None

    def client(self, service):
        """A boto3 client of `service` ("ecs", "elbv2", …) for this server, which checks each answer against the
        operation's output shape (response_shapes). boto3 is imported here: not every user of this module needs it."""
        import boto3
        from response_shapes import check_answers
        key_id, secret = self.root_key or ("test", "test")
        return check_answers(boto3.client(service, endpoint_url=self.endpoint, region_name="us-east-1", verify=self.ca_bundle,
                                          aws_access_key_id=key_id, aws_secret_access_key=secret))

    def ecs(self):
        return self.client("ecs")

    def wait_for_local_agent(self, ecs, seconds=60):
        """The local agent's instance ARN. The agent of `berth up` creates cluster "default" when it registers; until then nothing is listed."""
        def registered():
            try:
                return ecs.list_container_instances(cluster="default")["containerInstanceArns"]
            except ecs.exceptions.ClusterNotFoundException:
                return []
        arns = wait_until(registered, seconds)
        if not arns:
            raise RuntimeError(f"the local agent did not register within {seconds} s")
        return arns[0]

    def start_agent(self, cluster, name="agent", agent_namespace=None, env=None, args=(), servers=None):
        """A separate `berth agent` process against this server (or `servers`, its --server list of several servers on
        one store), with its own data directory under the server's.

        Its containers carry `agent_namespace` (the server's own by default, so remove_containers() finds them);
        its output goes to the server's log; `args` are further agent flags. Stop it with kill_process_group().
        """
        return subprocess.Popen(
            [BERTH, "agent", "--server", servers or self.endpoint, "--cluster", cluster,
             "--data-dir", os.path.join(self.data_dir, name), "--agent-namespace", agent_namespace or self.agent_namespace,
             "--metadata-port", "0", *args],
            stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True, env=env)

    def kill(self):
        """kill -9 of the whole process group: nothing gets a chance to flush or shut down cleanly."""
        kill_process_group(self.process)

    def agent_namespaces(self):
        """The local agent's namespace and that of `berth up`'s managed Fargate agent (the same, plus "-fargate")."""
        return [self.agent_namespace, f"{self.agent_namespace}-fargate"]

    def remove_containers(self):
        """Removes every container the test's agents made (they outlive a kill -9 of Berth by design)."""
        for namespace in self.agent_namespaces():
            remove_agent_containers(namespace)

    def remove_awsvpc_leftovers(self, subnets):
        """Removes what awsvpc tasks leave on purpose: each subnet's Docker network and the agent's iptables chain."""
        for subnet in subnets:
            subprocess.run(["docker", "network", "rm", f"berth-{subnet}"], capture_output=True)
        for namespace in self.agent_namespaces():
            chain = "BERTH-SG-" + hashlib.sha256(namespace.encode()).hexdigest()[:12]
            for args in (["-D", "DOCKER-USER", "-j", chain], ["-F", chain], ["-X", chain]):
                subprocess.run(["iptables", *args], capture_output=True)

    def close(self):
        self.kill()
        if self.command == "up":
            self.remove_containers()
        self.log.close()
        shutil.rmtree(self.data_dir, ignore_errors=True)
