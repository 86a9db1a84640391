"""The fuzzing loop. Request i of a run is a pure function of (seed, i) and the resources the run created first, so a
failure names the seed and index that replay it (`python3 bench/api_fuzz.py --seed S --only I`)."""
import random
import re
import socket
import threading
import time
import urllib.parse
from dataclasses import dataclass, field

from . import checks
from .hostile import Hostile
from .models import ResourcePool, ValueGenerator, load_services, model_violation, walk
from .mutations import Mutator
from .wire import BUILDERS, Connection, json_request, query_request

TIMEOUT = 60  # seconds without an answer before a request counts as a hang (a busy 2-core machine is slow, not stuck)
KINDS = (("valid", 0.30), ("mutated", 0.45), ("hostile", 0.25))


@dataclass
class Report:
    seed: int
    sent: int = 0
    statuses: dict = field(default_factory=dict)  # status class ("2xx", "4xx", …) → count
    kinds: dict = field(default_factory=dict)  # "valid", "mutated", "hostile" → {status class → count}
    failures: list = field(default_factory=list)  # descriptions of requests whose answers broke a rule
    probes: int = 0
    seconds: float = 0.0

    def summary(self):
        def classes(counts):
            return ", ".join(f"{k}: {v}" for k, v in sorted(counts.items()))
        kinds = "; ".join(f"{kind} {classes(counts)}" for kind, counts in sorted(self.kinds.items()))
        return (f"seed {self.seed}: {self.sent} requests in {self.seconds:.0f} s ({classes(self.statuses)}; {kinds}); "
                f"{len(self.failures)} failures; {self.probes} liveness probes answered")


def make_safe(service, operation, params, port):
    """A fuzzed request may neither bind a port nor start work. Every ELBv2 port (listeners, targets, health checks)
    becomes `port`, which this process holds, so no listener can open and no health check reaches anyone else; a
    service keeps no tasks. (The fuzz server runs without agents, so no task could run anyway.)"""
    if service.name == "elbv2":
        for container, key, _, _ in list(walk(service, params, service.input_shape(operation))):
            if key in ("Port", "HealthCheckPort"):
                container[key] = port if isinstance(container[key], int) else str(port)
    if service.name == "ecs" and operation in ("CreateService", "UpdateService"):
        params["desiredCount"] = 0


class Fuzzer:
    def __init__(self, endpoint, seed, log=print):
        url = urllib.parse.urlsplit(endpoint)
        self.host, self.port = url.hostname, url.port
        self.seed = seed
        self.log = log
        self.services = {s.name: s for s in load_services()}
        self.pool = ResourcePool(names=["fuzz", "default", "Fuzz", "subnet-local-a", "sg-web"], arns=[], members={})
        self.operations = []  # (service, operation, weight)
        self.reserved = socket.socket()
        self.reserved.bind(("127.0.0.1", 0))
        self.reserved.listen()

    def close(self):
        self.reserved.close()

    # Before the run: resources to aim at, and which operations Berth implements.

    def prepare(self):
        connection = Connection(self.host, self.port, TIMEOUT)
        for response in self.create_resources(connection):
            # A 4xx is fine when an earlier run against the same server made the resource already.
            if response.status >= 500:
                raise RuntimeError(f"setting up the fuzz run failed: HTTP {response.status} {response.body[:300]!r}")
            self.pool.arns += sorted(set(a.decode() for a in re.findall(rb"arn:aws:[^\"<\s]+", response.body)))
        self.pool.members = self.resource_members()
        for service in self.services.values():
            for operation in service.operations:
                build = query_request if service.protocols == ("query",) else json_request
                answer = connection.send(build(service, operation, {}))
                unsupported = b"UnsupportedFeature" in answer.body
                self.operations.append((service, operation, 1 if unsupported else 10))
        connection.close()
        supported = sum(1 for _, _, w in self.operations if w > 1)
        self.log(f"fuzz: {supported} of {len(self.operations)} operations implemented; {len(self.pool.arns)} resource ARNs")

    def create_resources(self, connection):
        """Makes (again: fuzzed requests delete them) the resources generated requests aim at; their answers."""
        port = self.reserved.getsockname()[1]
        ecs, logs, cloudwatch, elb, ssm, secrets = (self.services[n] for n in ("ecs", "logs", "cloudwatch", "elbv2", "ssm", "secretsmanager"))
        return [connection.send(request) for request in [
            json_request(ecs, "CreateCluster", {"clusterName": "fuzz"}),
            json_request(ecs, "RegisterTaskDefinition", {"family": "fuzz", "containerDefinitions": [
                {"name": "app", "image": "berth/sample-tools", "memory": 16}]}),
            json_request(ecs, "CreateService", {"cluster": "fuzz", "serviceName": "fuzz", "taskDefinition": "fuzz", "desiredCount": 0}),
            json_request(logs, "CreateLogGroup", {"logGroupName": "fuzz"}),
            json_request(logs, "CreateLogStream", {"logGroupName": "fuzz", "logStreamName": "fuzz"}),
            json_request(ssm, "PutParameter", {"Name": "fuzz", "Value": "fuzz", "Type": "SecureString"}),
            json_request(secrets, "CreateSecret", {"Name": "fuzz", "SecretString": "fuzz"}),
            json_request(cloudwatch, "PutMetricData", {"Namespace": "Fuzz", "MetricData": [{"MetricName": "fuzz", "Value": 1.0}]}),
            query_request(elb, "CreateTargetGroup", {"Name": "fuzz", "Protocol": "HTTP", "Port": port, "TargetType": "instance"}),
            query_request(elb, "CreateLoadBalancer", {"Name": "fuzz", "Subnets": ["subnet-local-a"]}),
        ]]

    def resource_members(self):
        """The members that name one of the resources prepare() made, and the names and ARNs that fill them."""
        def arns(*markers):
            return [a for a in self.pool.arns if any(m in a for m in markers)]
        cluster, service = ["fuzz", *arns(":cluster/")], ["fuzz", *arns(":service/")]
        target_group, load_balancer = arns(":targetgroup/"), arns(":loadbalancer/")
        members = {
            "cluster": cluster, "clusters": cluster, "service": service, "services": service,
            "taskdefinition": ["fuzz", "fuzz:1", *arns(":task-definition/")], "family": ["fuzz"], "familyprefix": ["fuzz"],
            "resourcearn": arns(":cluster/", ":service/", ":task-definition/"),
            "loggroupname": ["fuzz"], "loggroupidentifier": ["fuzz"], "loggroupnameprefix": ["fuzz"],
            "logstreamname": ["fuzz"], "logstreamnames": ["fuzz"], "logstreamnameprefix": ["fuzz"],
            "namespace": ["Fuzz"], "metricname": ["fuzz"],
            "targetgrouparn": target_group, "targetgrouparns": target_group,
            "loadbalancerarn": load_balancer, "loadbalancerarns": load_balancer, "resourcearns": target_group + load_balancer,
            "subnets": ["subnet-local-a", "subnet-local-b"], "securitygroups": ["sg-web"],
        }
        return {member: values for member, values in members.items() if values}

    # Request i.

    def build(self, index):
        """Request `index` of this seed's run, its kind (valid, mutated, hostile) and a description of it."""
        rng = random.Random(f"{self.seed}/{index}")
        service, operation, _ = rng.choices(self.operations, weights=[w for _, _, w in self.operations])[0]
        protocol = rng.choice(service.protocols)
        kind = rng.choices([k for k, _ in KINDS], weights=[w for _, w in KINDS])[0]
        params = ValueGenerator(service, rng, self.pool).input(operation)
        make_safe(service, operation, params, self.reserved.getsockname()[1])
        changes = []
        if kind in ("mutated", "hostile") and rng.random() < (1 if kind == "mutated" else 0.3):
            params, change = Mutator(service, rng).mutate(operation, params)
            changes.append(change)
        region = "us-east-1" if rng.random() < 0.95 else rng.choice(["eu-west-1", "ap-southeast-2"])
        request = BUILDERS[protocol](service, operation, params, region)
        if kind == "hostile":
            changes.append(Hostile(rng, list(self.services.values())).change(request, service, operation))
        else:
            request.operation = service.operation_model(operation)
            request.refusal = model_violation(service, params, service.input_shape(operation), null_is_absent=protocol != "query")
        request.changes = changes
        return request, kind, f"#{index} {service.name}.{operation} over {protocol}, {kind}" + (f" ({'; '.join(changes)})" if changes else "")

    # The run.

    def run(self, count, start=0, workers=1, probe_every=250, max_failures=20):
        report = Report(self.seed)
        lock = threading.Lock()
        began = time.monotonic()
        indexes = iter(range(start, start + count))

        crashes = []

        def work():
            try:
                send_all()
            except BaseException as e:  # noqa: BLE001 - a fuzzer bug: re-raised in the caller's thread below
                crashes.append(e)

        def send_all():
            connection = Connection(self.host, self.port, TIMEOUT)
            previous = None  # the request the connection carried last, which may be what broke it
            while True:
                with lock:
                    index = next(indexes, None)
                    if index is None or len(report.failures) >= max_failures:
                        break
                request, kind, description = self.build(index)
                if connection.sock is None:
                    previous = None
                try:
                    response = connection.send(request)
                except Exception as e:  # noqa: BLE001 - any failure to get an answer is a finding, reported below
                    response = e
                found = checks.problems(request, response)
                if found and isinstance(response, Exception) and previous:
                    found.append(f"the connection's previous request was {previous}")
                previous = description
                with lock:
                    report.sent += 1
                    if not isinstance(response, Exception):
                        status_class = f"{response.status // 100}xx"
                        report.statuses[status_class] = report.statuses.get(status_class, 0) + 1
                        counts = report.kinds.setdefault(kind, {})
                        counts[status_class] = counts.get(status_class, 0) + 1
                    if found:
                        report.failures.append(self.describe(description, request, found))
                        self.log(report.failures[-1])
                    due = report.sent % probe_every == 0
                if due:
                    self.probe(report, lock)
            connection.close()

        threads = [threading.Thread(target=work) for _ in range(workers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if crashes:
            raise crashes[0]
        self.probe(report, lock)
        report.seconds = time.monotonic() - began
        return report

    def probe(self, report, lock):
        """A plain ListClusters on a fresh connection must still be answered (the server keeps serving); then the
        run's resources are made again, so later requests still find them (ELBv2's get new ARNs, which are not used)."""
        connection = Connection(self.host, self.port, TIMEOUT)
        try:
            response = connection.send(json_request(self.services["ecs"], "ListClusters", {}))
            ok = response.status == 200 and b"clusterArns" in response.body
            problem = None if ok else f"HTTP {response.status} {response.body[:200]!r}"
            failed = [r for r in self.create_resources(connection) if r.status >= 500] if ok else []
            problem = problem or (f"remaking the run's resources: HTTP {failed[0].status} {failed[0].body[:200]!r}" if failed else None)
        except Exception as e:  # noqa: BLE001 - reported as the finding it is
            problem = f"{type(e).__name__}: {e}"
        finally:
            connection.close()
        with lock:
            if problem:
                report.failures.append(f"liveness probe after {report.sent} requests failed: {problem}")
                self.log(report.failures[-1])
            else:
                report.probes += 1

    def describe(self, description, request, found):
        head = " ".join(f"{k}: {str(v)[:80]!r}" for k, v in request.headers.items())
        return (f"FAIL seed {self.seed} {description}: {'; '.join(found)}\n"
                f"    {request.method} {request.path[:100]} [{request.framing}] {head}\n"
                f"    body ({len(request.body)} bytes): {request.body[:300]!r}")
