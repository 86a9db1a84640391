"""Shape-aware mutations of a valid input: each picks one place in the value tree that it applies to and changes it
the way a broken or hostile client would. Every mutation returns a short description for the failure report."""
import copy

from .models import Timestamp, walk

HUGE = 1_000_000  # characters: with the rest of a request still under the API's 1 MiB body limit


class Deep:
    """`depth` levels of nested lists or objects around a leaf, built by each encoder without recursion."""

    def __init__(self, depth, kind):
        self.depth = depth
        self.kind = kind  # "list" or "object"

    def __repr__(self):
        return f"Deep({self.depth}, {self.kind})"


class Pairs(list):
    """An object given as (key, value) pairs, so a key can appear twice."""


# No number here spells an IPv4 address as .NET reads one ("12345" is 0.0.48.57): a mutated ELBv2 target id must
# never name a host beyond loopback.
OTHER_TYPES = ["text", -12345, -1.5, True, [], {}, [1, "a"], {"a": 1}, ""]

SPECIAL_STRINGS = [
    "", " ", "\x00", "a\x00b", "\r\n", "\t", "\u202e", "\ufeff", "\ud800", "\udfff", "😀", "名前", "é" * 100,
    "../../../etc/passwd", "%s%n%x", "' OR 1=1 --", "${jndi:ldap://x}", "<x/>", "&amp;", "\\", "\"", "*", "?", ":",
    "/", "arn", "null", "-1", "1e400", "NaN", "a" * 256, "a" * 1025, "x:y:z", " leading", "trailing ",
]

BAD_ARNS = [
    "arn", "arn:", "arn:aws", "arn:::::", "arn:aws:ecs:::", "arn:aws:ecs:us-east-1:000000000000:",
    "arn:aws:ecs:us-east-1:000000000000:cluster/", "arn:aws:ecs:us-east-1:000000000000:cluster",
    "arn:aws:ecs:us-east-1:000000000000:task/", "arn:aws:ecs:us-east-1:000000000000:task/a/b/c/d",
    "arn:aws:ecs:us-east-1:000000000000:service/x", "arn:aws:ecs:us-east-1:000000000000:task-definition/x:",
    "arn:aws:ecs:us-east-1:000000000000:task-definition/x:-1", "arn:aws:ecs:us-east-1:000000000000:task-definition/x:99999999999",
    "arn:aws:ecs:us-east-1:000000000000:container-instance//", "arn:aws:ecs:eu-west-1:111111111111:cluster/other",
    "arn:aws:logs:us-east-1:000000000000:log-group:", "arn:aws:logs:us-east-1:000000000000:log-group:x:*:*",
    "arn:aws:elasticloadbalancing:us-east-1:000000000000:loadbalancer/app/", "arn:aws:elasticloadbalancing:us-east-1:000000000000:loadbalancer/app/x/",
    "arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup//", "arn:aws:elasticloadbalancing:us-east-1:000000000000:listener/app/x/y/",
    "arn:aws:elasticloadbalancing:us-east-1:000000000000:listener-rule/app/x/y/z/", "arn:aws:iam::000000000000:role/",
    "arn:aws:cloudwatch:us-east-1:000000000000:alarm:", "arn:aws:ecs:us-east-1:0:cluster/" + "x" * 2000,
    "arn:aws:ecs:us-east-1:000000000000:cluster/%00", "arn:aws:ecs:us-east-1:000000000000:cluster/../../x",
]

EXTREME_NUMBERS = [-1, 0, -(2 ** 31) - 1, 2 ** 31, 2 ** 32, 2 ** 53 + 1, 2 ** 63, -(2 ** 63) - 1, 2 ** 64 + 1, 10 ** 400,
                   1e308, -1e308, 0.5, -0.0, 1e-320, float("nan"), float("inf")]

BAD_TIMESTAMPS = [Timestamp(-1e12), Timestamp(1e15), Timestamp(253402300800), Timestamp(float("nan")), Timestamp(-0.5),
                  Timestamp(2 ** 70), "yesterday", "2024-13-45T99:99:99Z", "0000-00-00T00:00:00Z", ""]


def weight(value):
    """Roughly how many bytes a value takes on the wire (in the query protocol, which spells nesting longest)."""
    if isinstance(value, Deep):
        return value.depth * 9
    if isinstance(value, dict):
        return sum(len(str(k)) + weight(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return 1 + sum(weight(v) for v in value)
    return len(str(value))


def nodes(service, shape_name, holder):
    """Every place in the input (the whole input included, as holder["input"])."""
    yield holder, "input", shape_name, "input"
    yield from walk(service, holder["input"], shape_name, "input")


def shape_of(service, shape_name):
    return service.shape(shape_name) if shape_name else {}


class Mutator:
    def __init__(self, service, rng):
        self.service = service
        self.rng = rng

    def mutate(self, operation, params):
        """The mutated input and a description of what changed."""
        holder = {"input": params}
        shape_name = self.service.input_shape(operation)
        done = []
        for _ in range(self.rng.choice((1, 1, 1, 2, 3))):
            name, applies, change = self.rng.choice(self.MUTATIONS)
            places = [(c, k, s, p) for c, k, s, p in nodes(self.service, shape_name, holder)
                      if not isinstance(c, Pairs) and applies(self, c[k], shape_of(self.service, s))]
            if not places:
                continue
            container, key, shape, path = self.rng.choice(places)
            done.append(f"{name} at {path}: {change(self, container, key, shape_of(self.service, shape))}")
        return holder["input"], "; ".join(done) or "no mutation applied"

    # Each mutation: (name, applies(value, shape) → bool, change(container, key, shape) → description).

    def wrong_type(self, container, key, shape):
        current = container[key]
        container[key] = copy.deepcopy(self.rng.choice([v for v in OTHER_TYPES if type(v) is not type(current)]))
        return repr(container[key])

    def null(self, container, key, shape):
        container[key] = None
        return "null"

    def huge_string(self, container, key, shape):
        # About 1 MB of UTF-8, or 2 MB of ASCII (over the API's 1 MiB limit).
        unit = self.rng.choice(["A", "é", "😀", "\x00"]) if self.rng.random() < 0.8 else "B"
        size = HUGE // len(unit.encode()) if unit != "B" else 2 * HUGE
        container[key] = unit * size
        return f"{size} × {unit!r}"

    def long_string(self, container, key, shape):
        container[key] = "x" * self.rng.choice([257, 1025, 4097, 65537, 262145])
        return f"{len(container[key])} characters"

    def deep_nesting(self, container, key, shape):
        container[key] = Deep(self.rng.choice([65, 1000, 10_000]), self.rng.choice(["list", "object"]))
        return repr(container[key])

    def unknown_member(self, container, key, shape):
        name = self.rng.choice(["fuzzUnknown", "__type", "", " ", "a.b", "member", "__proto__", "x" * 1000])
        container[key][name] = copy.deepcopy(self.rng.choice(OTHER_TYPES))
        return repr(name)

    def case_changed_member(self, container, key, shape):
        member = self.rng.choice(sorted(container[key]))
        renamed = member.upper() if self.rng.random() < 0.5 else member[:1].swapcase() + member[1:]
        container[key][renamed] = container[key].pop(member)
        return f"{member} → {renamed}"

    def duplicate_member(self, container, key, shape):
        pairs = Pairs(container[key].items())
        first = self.rng.choice(pairs)
        pairs.append((first[0], copy.deepcopy(self.rng.choice(OTHER_TYPES))))
        container[key] = pairs
        return f"{first[0]} twice"

    def drop_required(self, container, key, shape):
        member = self.rng.choice([m for m in shape["required"] if m in container[key]])
        del container[key][member]
        return member

    def bad_enum(self, container, key, shape):
        container[key] = self.rng.choice(["", "NOT_A_VALUE", container[key].lower(), container[key] + " ", "\x00", "*"])
        return repr(container[key])

    def bad_arn(self, container, key, shape):
        container[key] = self.rng.choice(BAD_ARNS)
        return repr(container[key])

    def special_string(self, container, key, shape):
        container[key] = self.rng.choice(SPECIAL_STRINGS)
        return repr(container[key][:40])

    def extreme_number(self, container, key, shape):
        container[key] = self.rng.choice(EXTREME_NUMBERS)
        return repr(container[key])[:40]

    def bad_timestamp(self, container, key, shape):
        container[key] = self.rng.choice(BAD_TIMESTAMPS)
        return repr(container[key])

    def collection_size(self, container, key, shape):
        items = container[key]
        size = self.rng.choice([0, 101, 1001, 10_000])
        if items:
            # Copies of a large item (a huge string from an earlier mutation) could take gigabytes: stay near 2 MB.
            size = min(size, max(1, 2 * HUGE // weight(items)))
        if isinstance(items, list):
            container[key] = [copy.deepcopy(items[i % len(items)]) for i in range(size)] if items else [f"v{i}" for i in range(size)]
        else:
            container[key] = {f"k{i}": f"v{i}" for i in range(size)}
        return f"{size} items"

    MUTATIONS = [
        ("wrong type", lambda self, v, s: True, wrong_type),
        ("null", lambda self, v, s: True, null),
        ("huge string", lambda self, v, s: isinstance(v, str), huge_string),
        ("long string", lambda self, v, s: isinstance(v, str), long_string),
        ("deep nesting", lambda self, v, s: True, deep_nesting),
        ("unknown member", lambda self, v, s: isinstance(v, dict) and s.get("type") == "structure", unknown_member),
        ("member name case", lambda self, v, s: isinstance(v, dict) and s.get("type") == "structure" and bool(v), case_changed_member),
        ("duplicate member", lambda self, v, s: isinstance(v, dict) and bool(v), duplicate_member),
        ("missing required member", lambda self, v, s: isinstance(v, dict) and any(m in v for m in s.get("required", [])), drop_required),
        ("bad enum", lambda self, v, s: isinstance(v, str) and "enum" in s, bad_enum),
        ("bad ARN", lambda self, v, s: isinstance(v, str), bad_arn),
        ("special string", lambda self, v, s: isinstance(v, str), special_string),
        ("extreme number", lambda self, v, s: s.get("type") in ("integer", "long", "double", "float"), extreme_number),
        ("bad timestamp", lambda self, v, s: isinstance(v, Timestamp), bad_timestamp),
        ("collection size", lambda self, v, s: isinstance(v, (list, dict)) and s.get("type") in ("list", "map"), collection_size),
    ]
