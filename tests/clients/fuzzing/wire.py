"""Requests on the wire: encoding a value tree in AWS JSON, RPC v2 CBOR or query; hostile changes to the bytes,
headers and framing; and a small HTTP/1.1 client over a raw socket, so nothing (not even a header with a control
character or a Content-Length that lies) is refused before it reaches the server."""
import datetime
import json
import socket
import urllib.parse
from dataclasses import dataclass, field

from . import cbor
from .models import Blob, Timestamp
from .mutations import Deep, Pairs


@dataclass
class Request:
    method: str
    path: str
    headers: dict
    body: bytes
    # The protocol whose error shape the answer must have; None once a change made the protocol ambiguous or the
    # request cannot reach an API at all (wrong method or path), when a bodiless 4xx is also acceptable.
    protocol: str | None
    # "normal"; "chunked"; "short": Content-Length promises 17 bytes more than are sent, then the client half-closes;
    # "stalled": the same without the half-close, so the server must give up waiting.
    framing: str = "normal"
    changes: list = field(default_factory=list)
    # The botocore operation model whose output shape a success must fit; None once a hostile change may have sent
    # the request to another operation, or to none.
    operation: object = None
    # Why the model refuses the request as sent (a required member missing, a value outside an enum), so that it must
    # not succeed; None when it does not, or after a hostile change.
    refusal: str | None = None


def authorization(region, signing_name):
    """A SigV4 header of the right form with a fake signature: Berth reads only the region and service from it."""
    return (f"AWS4-HMAC-SHA256 Credential=AKIDFUZZ/20260101/{region}/{signing_name}/aws4_request, "
            f"SignedHeaders=host;x-amz-date, Signature={'0' * 64}")


def json_request(service, operation, params, region="us-east-1"):
    return Request("POST", "/", {
        "Content-Type": f"application/x-amz-json-{service.json_version}",
        "X-Amz-Target": f"{service.target_prefix}.{operation}",
        "Authorization": authorization(region, service.signing_name),
    }, to_json(params).encode("utf-8", "surrogatepass"), "json")


def cbor_request(service, operation, params, region="us-east-1"):
    return Request("POST", f"/service/{service.target_prefix}/operation/{operation}", {
        "Content-Type": "application/cbor",
        "Accept": "application/cbor",
        "smithy-protocol": "rpc-v2-cbor",
        "Authorization": authorization(region, service.signing_name),
    }, to_cbor(params), "cbor")


def query_request(service, operation, params, region="us-east-1"):
    pairs = [("Action", operation), ("Version", service.api_version)]
    to_query(service, params, service.input_shape(operation), "", pairs)
    return Request("POST", "/", {
        "Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
        "Authorization": authorization(region, service.signing_name),
    }, form(pairs), "query")


BUILDERS = {"json": json_request, "cbor": cbor_request, "query": query_request}


def form(pairs):
    return "&".join(f"{quote(k)}={quote(v)}" for k, v in pairs).encode()


def quote(text):
    return urllib.parse.quote(text.encode("utf-8", "surrogatepass"), safe="")


# Encoders. Deep values are written without recursion; everything else is shallow enough to recurse.

def to_json(value):
    if isinstance(value, Deep):
        opening, closing = ("[", "]") if value.kind == "list" else ('{"a":', "}")
        return opening * value.depth + "1" + closing * value.depth
    if isinstance(value, (dict, Pairs)):
        items = value.items() if isinstance(value, dict) else value
        return "{" + ",".join(f"{json.dumps(str(k), ensure_ascii=False)}:{to_json(v)}" for k, v in items) + "}"
    if isinstance(value, list):
        return "[" + ",".join(to_json(v) for v in value) + "]"
    if isinstance(value, Timestamp):
        return to_json(value.seconds)
    if isinstance(value, Blob):
        return json.dumps(value.base64())
    return json.dumps(value, ensure_ascii=False)  # NaN and Infinity come out as the non-JSON literals, on purpose


def to_cbor(value):
    if isinstance(value, Deep):
        return (b"\x81" if value.kind == "list" else b"\xa1\x61a") * value.depth + b"\x01"
    if isinstance(value, (dict, Pairs)):
        items = list(value.items() if isinstance(value, dict) else value)
        return cbor.head(5, len(items)) + b"".join(cbor.encode(str(k)) + to_cbor(v) for k, v in items)
    if isinstance(value, list):
        return cbor.head(4, len(value)) + b"".join(to_cbor(v) for v in value)
    if isinstance(value, Timestamp):
        return cbor.encode(cbor.Tagged(1, value.seconds))
    if isinstance(value, Blob):
        return cbor.encode(bytes(value))
    return cbor.encode(value)


def to_query(service, value, shape_name, prefix, pairs):
    """Appends the query parameters of `value`: A.B for members, A.member.N for lists, A.entry.N.key/value for maps."""
    shape = service.shape(shape_name) if shape_name else {}

    def child(name):
        return f"{prefix}.{name}" if prefix else str(name)

    if isinstance(value, Deep):
        segment = "member.1" if value.kind == "list" else "a"
        pairs.append((child(".".join([segment] * value.depth)), "1"))
    elif isinstance(value, (dict, Pairs)):
        items = list(value.items() if isinstance(value, dict) else value)
        for index, (key, item) in enumerate(items, start=1):
            if shape.get("type") == "map":
                pairs.append((child(f"entry.{index}.key"), str(key)))
                to_query(service, item, shape["value"]["shape"], child(f"entry.{index}.value"), pairs)
            else:
                to_query(service, item, shape.get("members", {}).get(key, {}).get("shape"), child(key), pairs)
    elif isinstance(value, list):
        if not value:
            pairs.append((prefix, ""))
        for index, item in enumerate(value, start=1):
            to_query(service, item, shape["member"]["shape"] if shape.get("type") == "list" else None, child(f"member.{index}"), pairs)
    else:
        pairs.append((prefix, query_scalar(value)))


def query_scalar(value):
    if isinstance(value, Timestamp):
        try:
            return datetime.datetime.fromtimestamp(value.seconds, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        except (ValueError, OverflowError, OSError):
            return str(value.seconds)
    if isinstance(value, Blob):
        return value.base64()
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    return str(value)


# The HTTP client.

@dataclass
class Response:
    status: int
    headers: dict  # lower-case names
    body: bytes


def request_bytes(request, host):
    headers = {"Host": host, **{k: v for k, v in request.headers.items() if v is not None}}
    body = request.body
    if request.framing == "chunked":
        headers["Transfer-Encoding"] = "chunked"
        size = max(1, len(body) // 3)
        body = b"".join(f"{len(c):x}\r\n".encode() + c + b"\r\n" for c in (body[i:i + size] for i in range(0, len(body), size)))
        body += b"0\r\n\r\n"
    else:
        headers["Content-Length"] = str(len(body) + (17 if request.framing in ("short", "stalled") else 0))
    head = f"{request.method} {request.path} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
    return head.encode("utf-8", "surrogatepass") + body


class StaleConnection(ConnectionError):
    """The connection was closed before any byte of the answer arrived."""


class Connection:
    """One keep-alive connection to the server, reopened after anything that may have left it unusable."""

    def __init__(self, host, port, timeout):
        self.host, self.port, self.timeout = host, port, timeout
        self.sock = None
        self.buffer = b""
        self.answered = False  # whether any byte of the current answer arrived

    def close(self):
        if self.sock:
            self.sock.close()
        self.sock, self.buffer = None, b""

    def send(self, request):
        """The response, or an exception (socket.timeout for an answer that does not come).

        A server may close a keep-alive connection after any answer (Kestrel does after answering a request whose
        large body it did not read), so a reused connection found closed before the first byte of the answer is
        retried once on a fresh one, as urllib3 and botocore do; a fresh connection that closes is a finding."""
        reused = self.sock is not None
        try:
            return self.send_once(request)
        except ConnectionError as e:
            if not reused or not isinstance(e, StaleConnection):
                raise
        return self.send_once(request)

    def send_once(self, request):
        if self.sock is None:
            self.sock = socket.create_connection((self.host, self.port), timeout=self.timeout)
        self.answered = False
        try:
            try:
                self.sock.sendall(request_bytes(request, f"{self.host}:{self.port}"))
                if request.framing == "short":
                    self.sock.shutdown(socket.SHUT_WR)
            except (BrokenPipeError, ConnectionResetError):
                pass  # a server may answer (413) and close before it has read everything: its answer still counts
            response = self.read_response()
        except (OSError, ValueError):
            self.close()
            raise
        if request.framing != "normal" or response.headers.get("connection", "").lower() == "close":
            self.close()
        return response

    def read_response(self):
        while b"\r\n\r\n" not in self.buffer:
            self.fill()
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        if headers.get("transfer-encoding", "").lower() == "chunked":
            body = self.read_chunked()
        elif "content-length" in headers:
            body = self.read_exactly(int(headers["content-length"]))
        elif status in (204, 304) or status < 200:
            body = b""
        else:
            body = self.read_to_close()
        return Response(status, headers, body)

    def fill(self):
        try:
            chunk = self.sock.recv(65536)
        except ConnectionResetError:
            chunk = b""  # a reset is a close, for the rules below
        if not chunk:
            if not self.answered and not self.buffer:
                raise StaleConnection("the server closed the connection before answering")
            raise ConnectionError("the server closed the connection without a complete answer")
        self.answered = True
        self.buffer += chunk

    def read_exactly(self, n):
        while len(self.buffer) < n:
            self.fill()
        data, self.buffer = self.buffer[:n], self.buffer[n:]
        return data

    def read_chunked(self):
        body = b""
        while True:
            while b"\r\n" not in self.buffer:
                self.fill()
            size_line, self.buffer = self.buffer.split(b"\r\n", 1)
            size = int(size_line.split(b";")[0], 16)
            body += self.read_exactly(size)
            self.read_exactly(2)
            if size == 0:
                return body

    def read_to_close(self):
        while True:
            chunk = self.sock.recv(65536)
            if not chunk:
                body, self.buffer = self.buffer, b""
                self.close()
                return body
            self.buffer += chunk
