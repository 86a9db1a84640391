"""What every answer must satisfy: a status below 500, a body that parses in its content type, for a 4xx the error
shape of the protocol the request spoke (AWS JSON `__type`, CBOR `__type`, query `ErrorResponse/Error/Code`), and for a
success the operation's output shape (response_shapes), and no success for a request the model refuses."""
import json
import xml.etree.ElementTree as ElementTree

from response_shapes import answer_problems

from . import cbor

MAX_BODY = 1024 * 1024  # the API's request body limit (PutLogEvents allows more)

FAMILIES = {"application/x-amz-json-1.0": "json", "application/x-amz-json-1.1": "json", "application/cbor": "cbor",
            "text/xml": "query", "application/xml": "query"}


def family(response):
    return FAMILIES.get(response.headers.get("content-type", "").split(";")[0].strip().lower())


def parse(kind, body):
    """The body as a value (dict for JSON and CBOR, an Element for XML); raises ValueError when it does not parse."""
    if kind == "json":
        return json.loads(body)
    if kind == "cbor":
        return cbor.decode(body)
    try:
        return ElementTree.fromstring(body)
    except ElementTree.ParseError as e:
        raise ValueError(str(e)) from e


def error_code(kind, document):
    if kind in ("json", "cbor"):
        return document.get("__type") if isinstance(document, dict) else None
    error = next((e for e in document.iter() if e.tag.endswith("Error")), None)
    code = next((c for c in error if c.tag.endswith("Code")), None) if error is not None else None
    return code.text if code is not None else None


def problems(request, response):
    """Why the answer is wrong (empty when it is right). `response` is a Response or the exception sending raised."""
    if isinstance(response, Exception):
        # Kestrel takes a client's half-close for going away, and may close on a body over the API's limit before
        # reading it (after a 413 the client cannot always read): neither is the server failing.
        if isinstance(response, ConnectionError) and (request.framing == "short" or len(request.body) > MAX_BODY):
            return []
        return [f"no answer: {type(response).__name__}: {response}"]
    found = []
    if response.status >= 500:
        found.append(f"HTTP {response.status}")
    kind = family(response)
    if request.protocol and kind != request.protocol and response.status >= 200:
        found.append(f"answered as {kind or response.headers.get('content-type')!r}, the request spoke {request.protocol}")
    if kind is None:
        if response.status >= 400 and (request.protocol or response.body):
            found.append(f"HTTP {response.status} without an AWS error shape: {response.body[:200]!r}")
        return found
    try:
        document = parse(kind, response.body)
    except (ValueError, UnicodeDecodeError) as e:
        return found + [f"{kind} body does not parse ({e}): {response.body[:200]!r}"]
    if response.status >= 400 and not error_code(kind, document):
        found.append(f"HTTP {response.status} without an error code: {response.body[:200]!r}")
    if 200 <= response.status < 300 and request.refusal:
        found.append(f"HTTP {response.status} to a request the model refuses: {request.refusal}")
    if 200 <= response.status < 300 and request.operation is not None and request.operation.output_shape is not None:
        content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
        found += answer_problems(request.operation, content_type, response.body)
    if kind == "cbor" and response.headers.get("smithy-protocol") != "rpc-v2-cbor":
        found.append("CBOR answer without smithy-protocol: rpc-v2-cbor")
    return found
