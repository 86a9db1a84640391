"""The services Berth serves, read from botocore's models, and valid input values generated from their shapes."""
import base64
import functools
import string
from dataclasses import dataclass

import botocore.loaders
import botocore.model

# Each service with its model version and the wire protocols Berth answers it in (CloudWatch's model lists three,
# and real clients use each of them).
SERVED = (
    ("ecs", "2014-11-13", ("json",)),
    ("logs", "2014-03-28", ("json",)),
    ("cloudwatch", "2010-08-01", ("cbor", "json", "query")),
    ("elbv2", "2015-12-01", ("query",)),
    ("ssm", "2014-11-06", ("json",)),
    ("secretsmanager", "2017-10-17", ("json",)),
    ("ce", "2017-10-25", ("json",)),
)

NAME_CHARACTERS = string.ascii_letters + string.digits + "-_"


@dataclass(frozen=True)
class Service:
    name: str
    model: dict
    protocols: tuple

    @property
    def metadata(self):
        return self.model["metadata"]

    @property
    def signing_name(self):
        return self.metadata.get("signingName") or self.metadata["endpointPrefix"]

    @property
    def target_prefix(self):
        return self.metadata.get("targetPrefix")

    @property
    def json_version(self):
        return self.metadata.get("jsonVersion", "1.1")

    @property
    def api_version(self):
        return self.metadata["apiVersion"]

    @property
    def operations(self):
        return sorted(self.model["operations"])

    def shape(self, name):
        return self.model["shapes"][name]

    @functools.cached_property
    def _botocore_model(self):
        return botocore.model.ServiceModel(self.model, self.name)

    def operation_model(self, operation):
        """botocore's view of the operation, which response_shapes reads answers by."""
        return self._botocore_model.operation_model(operation)

    def input_shape(self, operation):
        return self.model["operations"][operation].get("input", {}).get("shape")


def load_services():
    loader = botocore.loaders.Loader()
    return [Service(name, loader.load_service_model(name, "service-2", version), protocols)
            for name, version, protocols in SERVED]


class Timestamp:
    """A timestamp, rendered by each protocol its own way (JSON and CBOR epoch seconds, query ISO 8601)."""

    def __init__(self, seconds):
        self.seconds = seconds

    def __repr__(self):
        return f"Timestamp({self.seconds!r})"


class Blob(bytes):
    """A blob member: base64 in JSON and query, a byte string in CBOR."""

    def base64(self):
        return base64.b64encode(self).decode()


@dataclass
class ResourcePool:
    """Names and ARNs of resources the run created first, so generated requests reach past 'not found': `members`
    holds the values that fit a member naming a resource (by lower-case member name), `names` and `arns` any."""
    names: list
    arns: list
    members: dict


class ValueGenerator:
    """Valid values for a service's shapes: required members always, optional ones sometimes (fewer the deeper),
    enums from the model, lengths and ranges within min/max, and strings that often name a pooled resource."""

    MAX_DEPTH = 6
    NOW = 1_790_000_000  # a fixed "now" keeps a request reproducible from its seed

    def __init__(self, service, rng, pool):
        self.service = service
        self.rng = rng
        self.pool = pool

    def input(self, operation):
        shape = self.service.input_shape(operation)
        return self.value(shape, "", 0) if shape else {}

    def value(self, shape_name, member, depth):
        shape = self.service.shape(shape_name)
        kind = shape["type"]
        if kind == "structure":
            return self.structure(shape, depth)
        if kind == "list":
            low, high = self.bounds(shape, 0, 3)
            return [self.value(shape["member"]["shape"], member, depth + 1) for _ in range(self.rng.randint(low, high))]
        if kind == "map":
            low, high = self.bounds(shape, 0, 2)
            return {self.value(shape["key"]["shape"], "key", depth + 1): self.value(shape["value"]["shape"], member, depth + 1)
                    for _ in range(self.rng.randint(low, high))}
        if kind == "string":
            return self.string(shape, member)
        if kind in ("integer", "long"):
            low = int(shape.get("min", 0))
            return self.rng.randint(low, int(shape.get("max", low + 100)) if "max" in shape else low + 100)
        if kind in ("double", "float"):
            return round(self.rng.uniform(shape.get("min", 0), shape.get("max", 1000)), 3)
        if kind == "boolean":
            return self.rng.random() < 0.5
        if kind == "timestamp":
            return Timestamp(self.NOW - self.rng.randint(0, 3600))
        if kind == "blob":
            return Blob(self.rng.randbytes(self.rng.randint(1, 32)))
        raise ValueError(f"unknown shape type {kind}")

    def structure(self, shape, depth):
        if shape.get("document"):
            return {"key": self.rng.choice(["value", 1, True, None, [1, 2]])}
        members = shape.get("members", {})
        if shape.get("union"):
            chosen = [self.rng.choice(sorted(members))] if members else []
        else:
            required = set(shape.get("required", []))
            chance = 0.5 / (1 + depth) if depth < self.MAX_DEPTH else 0
            chosen = [m for m in members if m in required or self.rng.random() < chance]
        return {m: self.value(members[m]["shape"], m, depth + 1) for m in chosen}

    def bounds(self, shape, low, high):
        low = max(low, int(shape.get("min", low)))
        return low, max(low, min(high, int(shape.get("max", high))))

    def string(self, shape, member):
        if "enum" in shape:
            return self.rng.choice(shape["enum"])
        pick = self.rng.random()
        if member.lower() in self.pool.members and pick < 0.8:
            return self.rng.choice(self.pool.members[member.lower()])
        if "arn" in member.lower() and pick < 0.6 and self.pool.arns:
            return self.rng.choice(self.pool.arns)
        if pick < 0.3 and self.pool.names:
            return self.rng.choice(self.pool.names)
        low, high = self.bounds(shape, 1, 24)
        # A letter first: a string of digits is an IPv4 address to .NET ("8" is 0.0.0.8), and target ids must stay local.
        return self.rng.choice(string.ascii_letters) + "".join(
            self.rng.choice(NAME_CHARACTERS) for _ in range(self.rng.randint(low, high) - 1))


def walk(service, value, shape_name, path=""):
    """Every (container, key, shape name or None, path) in a value tree; shape is None below unknown members."""
    shape = service.shape(shape_name) if shape_name else {}
    kind = shape.get("type")
    if isinstance(value, dict):
        for key, item in list(value.items()):
            if kind == "structure":
                child = shape.get("members", {}).get(key, {}).get("shape")
            elif kind == "map":
                child = shape["value"]["shape"]
            else:
                child = None
            item_path = f"{path}.{key}" if path else str(key)
            yield value, key, child, item_path
            yield from walk(service, item, child, item_path)
    elif isinstance(value, list):
        child = shape["member"]["shape"] if kind == "list" else None
        for index, item in enumerate(value):
            item_path = f"{path}[{index}]"
            yield value, index, child, item_path
            yield from walk(service, item, child, item_path)


def model_violation(service, value, shape_name, null_is_absent, path="input"):
    """Why the model refuses `value` as it is sent: a required member missing, or a string outside its enum; None when
    neither. A null is an absent member in JSON and CBOR, and an empty string in the query protocol, where an empty
    structure sends no parameter at all (a list loses that item)."""
    shape = service.shape(shape_name) if shape_name else {}
    kind = shape.get("type")

    def absent(item):
        return item is None if null_is_absent else item == {}

    if kind == "structure" and isinstance(value, dict):
        for member in shape.get("required", []):
            if member not in value or absent(value[member]):
                return f"required member {path}.{member} is missing"
        children = ((f"{path}.{key}", item, shape["members"][key]["shape"]) for key, item in value.items() if key in shape["members"])
    elif kind == "list" and isinstance(value, list):
        children = ((f"{path}[{index}]", item, shape["member"]["shape"]) for index, item in enumerate(value) if not absent(item))
    elif kind == "map" and isinstance(value, dict):
        children = ((f"{path}.{key}", item, shape["value"]["shape"]) for key, item in value.items())
    else:
        text = "" if value is None and not null_is_absent else value
        if "enum" in shape and isinstance(text, str) and text not in shape["enum"]:
            return f"{path} is {text!r}, not one of the enum's values"
        return None
    return next((found for child_path, item, child in children
                 if (found := model_violation(service, item, child, null_is_absent, child_path))), None)
