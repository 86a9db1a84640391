"""Hostile changes below the value level: truncated and garbage bodies, invalid UTF-8, lying framing, wrong or missing
content types and targets, unknown operations, CBOR items no SDK sends, malformed query forms. Each change edits an
encoded Request in place and returns a description."""
import gzip
import re

from . import cbor
from .wire import authorization

# 16 MiB of zeros in 16 kB: the server must stop inflating at its body limit.
GZIP_BOMB = gzip.compress(bytes(16 * 1024 * 1024))

WEIRD_REGIONS = ["", "a" * 3000, "us-east-1 ", "../../x", "US-EAST-1", "us-east-1\t", "é", "*", "arn:aws", "x:y", "us-west-2"]

CONTENT_TYPES = {
    # content type → the protocol Berth's dispatcher then picks on POST / (docs/architecture.md): a form without
    # X-Amz-Target is query, anything else AWS JSON.
    None: "json", "text/plain": "json", "application/json": "json", "application/xml": "json",
    "application/cbor": "json", "application/x-amz-json-1.0": "json", "application/x-amz-json-1.1": "json",
    "application/x-amz-json-1.1; charset=utf-16": "json", "application/x-www-form-urlencoded": "query",
    "application/x-www-form-urlencoded; charset=iso-8859-1": "query", "multipart/form-data; boundary=fuzz": "query",
    "multipart/form-data": "query", ";;;": None, "a" * 5000: None, "application/x-www-form-urlencoded\x01": None,
}

JSON_BODIES = [b"[]", b"null", b"1", b'"s"', b"true", b"{", b"}", b"{,}", b'{"a":1,}', b"/*c*/{}", b"{'a':1}", b"NaN",
               b"{" * 10_000, b"[" * 10_000 + b"]" * 10_000, b'{"a":' * 10_000 + b"1" + b"}" * 10_000,
               b"\xef\xbb\xbf{}", b"{}garbage", b"{} {}", b'{"a":"\\ud800"}', b'{"a":"\\u00"}', b"1" * 5000,
               b'{"a":1e999999}', b'{"\\u0000":1}', b"\x00", b" " * 100_000]

CBOR_ITEMS = [
    b"\x5b" + b"\xff" * 8,  # a byte string of 2^64-1 bytes
    b"\x7b\x00\x00\x00\x00\xff\xff\xff\xff",  # a text string of 4 GiB
    b"\x9b" + b"\xff" * 8,  # an array of 2^64-1 items
    b"\xbb\x00\x00\x00\x00\x7f\xff\xff\xff",  # a map of 2^31-1 pairs
    b"\x9f", b"\xbf\x61a", b"\xbf\x61a\x01",  # indefinite lengths never closed
    b"\xf7", b"\xf8\x20", b"\xff", b"\x1c", b"\xfc",  # undefined, an unassigned simple value, a lone break, reserved
    b"\xc0\x74" + b"2013-03-21T20:04:00Z",  # tag 0: a date-time string
    b"\xc2\x49" + b"\x01" * 9,  # a bignum
    b"\xd9\xd9\xf7\xa0",  # the self-describe tag around {}
    b"\xa1\x01\x01", b"\xa1\xf6\x01", b"\xa1\x80\x01",  # keys that are not text
    b"\xa1\x63\xff\xfe\xfd\x01", b"\xa1\x61a\x63\xff\xfe\xfd",  # invalid UTF-8 in a key and in a value
    b"\xa1\x61a\xf9\x7e\x00", b"\xa1\x61a\xfb\x7f\xf0\x00\x00\x00\x00\x00\x00",  # NaN, infinity
    b"\xa1\x61a\x1b" + b"\xff" * 8, b"\xa1\x61a\x3b" + b"\xff" * 8,  # 2^64-1 and -2^64
    b"\x81" * 10_000 + b"\x01", b"\xa1\x61a" * 10_000 + b"\x01", b"\xc1" * 10_000 + b"\x01",
    b"\xbf" + b"\x61a\x01" * 3 + b"\xff", b"\x7f\x61a\x41b\xff", b"\xa2\x61a\x01\x61a\x02",  # a mixed indefinite string, a duplicate key
    b"\xa0\xa0", b"\x80", b"\x01", b"\xf6", b"\x60",
]

QUERY_BODIES = [b"%", b"%zz", b"Action", b"=", b"&&&", b"Action=&Version=", b"Action=%FF%FE&Version=%00",
                b"Action=DescribeLoadBalancers&Action=DescribeAlarms", b"Action=DescribeLoadBalancers",
                b"Version=2015-12-01", b"Action=DescribeLoadBalancers&Version=1999-01-01",
                b"Action=DescribeLoadBalancers&Version=2015-12-01&%E0%A4%A=1", b"Action=" + b"A" * 100_000,
                b"Action=DescribeLoadBalancers&Version=2015-12-01&" + b"&".join(b"P%d=1" % i for i in range(50_000)),
                b"Action=DescribeLoadBalancers&Version=2015-12-01&Names" + b".a" * 10_000 + b"=1",
                b"Action=DescribeAlarms&Version=2010-08-01&AlarmNames.member.1=a&AlarmNames=b",
                b"Action=DescribeLoadBalancers&Version=2015-12-01&Names.member.1=a&Names.member.1.x=b"]


def dispatched(request):
    """The protocol of the answer Berth gives, by the dispatcher's documented rule, or None when it depends on
    details the fuzzer does not model."""
    if request.method != "POST":
        return None
    if request.path.startswith("/service/"):
        return "cbor" if re.fullmatch(r"/service/[^/]+/operation/[^/]+", request.path) else None
    if request.path != "/":
        return None
    if "X-Amz-Target" in request.headers:
        return "json"
    return CONTENT_TYPES.get(request.headers.get("Content-Type"), None)


class Hostile:
    def __init__(self, rng, services):
        self.rng = rng
        self.services = services

    def change(self, request, service, operation):
        """Applies one hostile change that fits the request and returns what it did."""
        fitting = [c for c in self.CHANGES if c[2](request)]
        name, _, _, change = self.rng.choices(fitting, weights=[c[1] for c in fitting])[0]
        return f"{name}: {change(self, request, service, operation)}"

    def truncate(self, request, service, operation):
        cut = self.rng.randint(0, max(0, len(request.body) - 1))
        request.body = request.body[:cut]
        return f"body cut to {cut} bytes"

    def invalid_utf8(self, request, service, operation):
        at = self.rng.randint(0, len(request.body))
        bad = self.rng.choice([b"\xff", b"\xc3\x28", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\xe2\x82", b"\xc0\xaf"])
        request.body = request.body[:at] + bad + request.body[at:]
        return f"{bad!r} at byte {at}"

    def garbage(self, request, service, operation):
        request.body = self.rng.randbytes(self.rng.choice([1, 16, 512, 4096]))
        return f"{len(request.body)} random bytes"

    def empty(self, request, service, operation):
        request.body = b""
        return "no body"

    def short(self, request, service, operation):
        request.framing = "short"
        return "Content-Length 17 bytes more than sent, then half-close"

    def stalled(self, request, service, operation):
        request.framing = "stalled"
        return "Content-Length 17 bytes more than sent, and the rest never comes"

    def chunked(self, request, service, operation):
        request.framing = "chunked"
        return "chunked transfer encoding"

    def content_type(self, request, service, operation):
        value = self.rng.choice(list(CONTENT_TYPES))
        request.headers["Content-Type"] = value
        request.protocol = dispatched(request)
        return repr(value)[:60]

    def authorization(self, request, service, operation):
        region = self.rng.choice(WEIRD_REGIONS)
        request.headers["Authorization"] = self.rng.choice([
            authorization(region, service.signing_name), authorization(region, "fuzz"), "AWS4-HMAC-SHA256",
            "AWS4-HMAC-SHA256 Credential=/////aws4_request", "Bearer x", "", "AWS4-HMAC-SHA256 Credential=a/b/c/d/aws4_request, Credential=x"])
        # A query request signed for another service may go to another query service: still an XML answer.
        return repr(request.headers["Authorization"])[:80]

    def content_encoding(self, request, service, operation):
        encodings = {"gzip": "gzip", "gzip (not compressed)": "gzip", "gzip bomb": "gzip", "br": "br", "deflate": "deflate",
                     "unknown": "x-fuzz", "gzip twice": "gzip, gzip"}
        choice = self.rng.choice(sorted(encodings))
        request.headers["Content-Encoding"] = encodings[choice]
        if choice == "gzip":
            request.body = gzip.compress(request.body)  # what botocore sends for CloudWatch PutMetricData from 10 kB
        elif choice == "gzip bomb":
            request.body = GZIP_BOMB
        return choice

    def method(self, request, service, operation):
        request.method = self.rng.choice(["GET", "PUT", "DELETE", "PATCH", "OPTIONS", "FUZZ"])
        request.protocol = None
        return request.method

    def path(self, request, service, operation):
        request.path = self.rng.choice(["/x", "//", "/service/", "/service/x/operation/", "/?Action=x", "/%00",
                                        "/service/a/operation/b/c", "/" + "a" * 10_000, "/_berth/agent/v1/poll"])
        request.protocol = dispatched(request)
        return request.path[:60]

    def header_bomb(self, request, service, operation):
        if self.rng.random() < 0.5:
            request.headers.update({f"X-Fuzz-{i}": "x" * 100 for i in range(500)})
            request.protocol = None
            return "500 extra headers"
        request.headers["X-Fuzz"] = "\x01\x7f" if self.rng.random() < 0.5 else "x" * 40_000
        request.protocol = None
        return "a header with control characters or 40 kB"

    def target(self, request, service, operation):
        other = self.rng.choice(self.services)
        value = self.rng.choice([
            None, "", ".", f"{service.target_prefix}.", f".{operation}", f"{service.target_prefix}.Fuzz{operation}",
            f"{service.target_prefix}.{operation.lower()}", f"{other.target_prefix}.{operation}", f"{service.target_prefix}",
            f"{service.target_prefix}.{operation}.x", "x" * 10_000, f"{service.target_prefix}.{operation}\t"])
        if value is None:
            request.headers.pop("X-Amz-Target", None)
        else:
            request.headers["X-Amz-Target"] = value
        request.protocol = dispatched(request)
        return repr(value)[:60]

    def json_body(self, request, service, operation):
        request.body = self.rng.choice(JSON_BODIES)
        return repr(request.body[:40])

    def cbor_item(self, request, service, operation):
        request.body = self.rng.choice(CBOR_ITEMS)
        return repr(request.body[:40])

    def cbor_route(self, request, service, operation):
        other = self.rng.choice(self.services)
        request.path = self.rng.choice([
            f"/service/{other.target_prefix}/operation/{operation}", f"/service/{service.target_prefix}/operation/Fuzz",
            f"/service/Fuzz/operation/{operation}", f"/service/{service.target_prefix}/operation/{operation}%2F",
            f"/service/{service.target_prefix}/operation/{'A' * 5000}", f"/service/{service.target_prefix}/operation/%00"])
        if "%00" in request.path:
            request.protocol = None  # Kestrel refuses a NUL in the path before any endpoint sees the request
        return request.path[:80]

    def cbor_wrapping(self, request, service, operation):
        request.body = self.rng.choice([cbor.encode([]), b"\xd9\xd9\xf7" + request.body, request.body + b"\x00",
                                        cbor.head(4, 1) + request.body])
        return repr(request.body[:20])

    def query_body(self, request, service, operation):
        request.body = self.rng.choice(QUERY_BODIES)
        return repr(request.body[:60])

    def query_index(self, request, service, operation):
        replacement = self.rng.choice([b".member.0", b".member.-1", b".member.99999999999999999999", b".member.abc",
                                       b".member.", b".member.1.member.1", b".entry.0", b".member.2147483648"])
        request.body = re.sub(rb"\.(member|entry)\.\d+", replacement, request.body, count=1)
        return replacement.decode()

    def query_params(self, request, service, operation):
        extra = self.rng.choice([b"&Fuzz=1", b"&=1", b"&Version=0", b"&Action=Fuzz", b"&a.b.c=1", b"&%2E=1",
                                 b"&Action=" + operation.encode(), b"&" + b"x" * 60_000 + b"=1"])
        request.body += extra
        return repr(extra[:40])

    # (name, weight, fits(request), change). A stalled body costs the server's 5 s grace period, so it is rare.
    CHANGES = [
        ("truncated body", 10, lambda r: len(r.body) > 1, truncate),
        ("invalid UTF-8", 10, lambda r: True, invalid_utf8),
        ("garbage body", 10, lambda r: True, garbage),
        ("empty body", 10, lambda r: True, empty),
        ("half-closed body", 10, lambda r: True, short),
        # Kestrel gives up on a body arriving below 240 bytes/s after 5 s, so a longer one could stall for minutes.
        ("stalled body", 1, lambda r: len(r.body) < 1024, stalled),
        ("chunked body", 10, lambda r: True, chunked),
        ("content type", 10, lambda r: r.path == "/", content_type),
        ("authorization", 10, lambda r: True, authorization),
        ("content encoding", 10, lambda r: True, content_encoding),
        ("method", 10, lambda r: True, method),
        ("path", 10, lambda r: r.path == "/", path),
        ("headers", 10, lambda r: True, header_bomb),
        ("X-Amz-Target", 10, lambda r: r.path == "/", target),
        ("JSON body", 10, lambda r: r.protocol == "json", json_body),
        ("CBOR item", 10, lambda r: r.protocol == "cbor", cbor_item),
        ("CBOR route", 10, lambda r: r.protocol == "cbor", cbor_route),
        ("CBOR wrapping", 10, lambda r: r.protocol == "cbor", cbor_wrapping),
        ("query body", 10, lambda r: r.protocol == "query", query_body),
        ("query index", 10, lambda r: r.protocol == "query" and re.search(rb"\.(member|entry)\.\d", r.body), query_index),
        ("query parameters", 10, lambda r: r.protocol == "query", query_params),
    ]
