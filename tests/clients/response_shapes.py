"""Checks a successful answer's body against its operation's output shape in botocore's model.

botocore parses an answer leniently: a member it does not know is dropped, a value of the wrong type is passed through
or fails much later in the caller's code. So a misspelled member or a string where the model says number reaches no
test through the parsed result. `check_answers(client)` makes every call of a boto3 client raise `ShapeMismatch` when
its raw body (JSON, CBOR, or the query protocol's XML) has a member its output shape does not name, a value
of another type than the shape's, an enum value the model does not list, or lacks a member the shape requires.
`BerthServer.client` installs it, and `aws_cli.aws` loads it into the CLI as a plugin, so every client test checks
every answer it gets.
"""
import base64
import datetime
import json
import numbers
import re
import xml.etree.ElementTree as ElementTree

from fuzzing import cbor


class ShapeMismatch(AssertionError):
    pass


def problems(shape, value, path="$"):
    """Why `value` (a parsed JSON or CBOR document) does not fit `shape` (a botocore Shape); empty when it does."""
    kind = shape.type_name
    if kind == "structure":
        if not isinstance(value, dict):
            return [f"{path}: {type(value).__name__} where the model has structure {shape.name}"]
        names = {member.serialization.get("name", name): (name, member) for name, member in shape.members.items()}
        found = [f"{path}: member {key!r} is not in {shape.name}" for key in value if key not in names and key != "__type"]
        found += [f"{path}: required member {name!r} of {shape.name} is missing" for name in shape.required_members
                  if shape.members[name].serialization.get("name", name) not in value]
        for key, item in value.items():
            if key in names and item is not None:
                found += problems(names[key][1], item, f"{path}.{key}")
        return found
    if kind == "list":
        if not isinstance(value, list):
            return [f"{path}: {type(value).__name__} where the model has a list ({shape.name})"]
        return [problem for i, item in enumerate(value) if item is not None for problem in problems(shape.member, item, f"{path}[{i}]")]
    if kind == "map":
        if not isinstance(value, dict):
            return [f"{path}: {type(value).__name__} where the model has a map ({shape.name})"]
        return [problem for key, item in value.items() if item is not None for problem in problems(shape.value, item, f"{path}[{key!r}]")]
    if kind == "string":
        if not isinstance(value, str):
            return [f"{path}: {type(value).__name__} {value!r} where the model has a string ({shape.name})"]
        enum = shape.metadata.get("enum")
        return [f"{path}: {value!r} is not one of {shape.name}'s values {enum}"] if enum and value not in enum else []
    if kind in ("integer", "long"):
        return [] if isinstance(value, int) and not isinstance(value, bool) else [f"{path}: {value!r} where the model has an integer ({shape.name})"]
    if kind in ("float", "double"):
        return [] if isinstance(value, numbers.Real) and not isinstance(value, bool) else [f"{path}: {value!r} where the model has a number ({shape.name})"]
    if kind == "boolean":
        return [] if isinstance(value, bool) else [f"{path}: {value!r} where the model has a boolean ({shape.name})"]
    if kind == "timestamp":
        # JSON protocols send epoch seconds; CBOR an epoch time under tag 1.
        if isinstance(value, cbor.Tagged) and value.tag == 1:
            value = value.value
        return [] if isinstance(value, numbers.Real) and not isinstance(value, bool) else [f"{path}: {value!r} where the model has a timestamp ({shape.name})"]
    if kind == "blob":
        return _blob_problems(value, path, shape)
    return []


def _blob_problems(value, path, shape):
    if isinstance(value, (bytes, bytearray)):
        return []
    try:
        base64.b64decode(value, validate=True)
        return []
    except (TypeError, ValueError):
        return [f"{path}: {value!r} where the model has base64 bytes ({shape.name})"]


def xml_problems(shape, node, path="$"):
    """Why the XML element `node` does not fit `shape`, with the names botocore's XML parsers look for."""
    kind = shape.type_name
    children = list(node)
    if kind == "structure":
        names = {}
        for name, member in shape.members.items():
            names[_xml_name(member, name)] = (name, member)
        found, seen = [], set()
        for child in children:
            tag = _tag(child)
            if tag not in names:
                found.append(f"{path}: element <{tag}> is not in {shape.name}")
                continue
            name, member = names[tag]
            flattened = member.type_name in ("list", "map") and member.serialization.get("flattened")
            if tag in seen and not flattened:
                found.append(f"{path}: element <{tag}> repeated, and {shape.name}.{name} is not a flattened list")
            seen.add(tag)
            found += _flattened_item_problems(member, child, f"{path}.{tag}") if flattened else xml_problems(member, child, f"{path}.{tag}")
        found += [f"{path}: required member {name!r} of {shape.name} is missing" for name in shape.required_members
                  if _xml_name(shape.members[name], name) not in seen]
        return found
    if kind == "list":
        item_name = shape.member.serialization.get("name", "member")
        found = [f"{path}: <{_tag(child)}> in a list whose items are <{item_name}>" for child in children if _tag(child) != item_name]
        return found + [problem for i, child in enumerate(children) if _tag(child) == item_name
                        for problem in xml_problems(shape.member, child, f"{path}[{i}]")]
    if kind == "map":
        return [problem for i, child in enumerate(children) for problem in _entry_problems(shape, child, f"{path}[{i}]")]
    if children:
        return [f"{path}: elements inside a {kind} ({shape.name})"]
    return _text_problems(shape, node.text or "", path)


def _xml_name(member, name):
    """The element botocore reads a member from: a flattened list's items carry its member's name when it has one."""
    if member.type_name == "list" and member.serialization.get("flattened") and member.member.serialization.get("name"):
        return member.member.serialization["name"]
    return member.serialization.get("name", name)


def _flattened_item_problems(member, child, path):
    return xml_problems(member.member, child, path) if member.type_name == "list" else _entry_problems(member, child, path)


def _entry_problems(shape, entry, path):
    key_name, value_name = shape.key.serialization.get("name", "key"), shape.value.serialization.get("name", "value")
    found = []
    for part in entry:
        if _tag(part) == key_name:
            found += xml_problems(shape.key, part, f"{path}.key")
        elif _tag(part) == value_name:
            found += xml_problems(shape.value, part, f"{path}.value")
        else:
            found.append(f"{path}: <{_tag(part)}> in a map entry of {shape.name}")
    return found


ISO_8601 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


def _text_problems(shape, text, path):
    """A scalar's text: what botocore's XML parsers turn into the shape's type."""
    kind = shape.type_name
    if kind == "string":
        enum = shape.metadata.get("enum")
        return [f"{path}: {text!r} is not one of {shape.name}'s values {enum}"] if enum and text not in enum else []
    checks = {
        "integer": lambda t: re.fullmatch(r"-?\d+", t),
        "long": lambda t: re.fullmatch(r"-?\d+", t),
        "float": lambda t: re.fullmatch(r"-?\d+(\.\d+)?([eE][+-]?\d+)?|NaN|-?Infinity", t),
        "double": lambda t: re.fullmatch(r"-?\d+(\.\d+)?([eE][+-]?\d+)?|NaN|-?Infinity", t),
        "boolean": lambda t: t in ("true", "false"),
        "timestamp": lambda t: ISO_8601.match(t) and datetime.datetime.fromisoformat(t.replace("Z", "+00:00")),
    }
    if kind in checks and not checks[kind](text):
        return [f"{path}: {text!r} does not read as {kind} ({shape.name})"]
    return _blob_problems(text, path, shape) if kind == "blob" else []


def _tag(node):
    return node.tag.rsplit("}", 1)[-1]


def _xml_result(model, body):
    """The element holding the output's members: the query protocol's result wrapper (Berth serves no EC2 protocol,
    whose members sit in the root)."""
    wrapper = model.output_shape.serialization["resultWrapper"]
    return next((child for child in ElementTree.fromstring(body) if _tag(child) == wrapper), None)


def answer_problems(model, content_type, body):
    """Why a successful answer's body does not fit the operation's output shape; empty when it does, or is no body
    this module reads."""
    if content_type == "application/cbor":
        return problems(model.output_shape, cbor.decode(body))
    if content_type.startswith("application/x-amz-json"):
        return problems(model.output_shape, json.loads(body))
    if content_type in ("text/xml", "application/xml"):
        result = _xml_result(model, body)
        if result is None:
            return [f"no <{model.output_shape.serialization['resultWrapper']}> element"]
        return xml_problems(model.output_shape, result)
    return []


def check_answers(client):
    """Makes each successful call of a boto3 client check its answer's body against the operation's output shape."""
    client.meta.events.register("after-call", _check_answer)
    return client


def awscli_initialize(cli):
    """The aws CLI's plugin entry point (aws_cli.py names this module in the CLI's config): its answers are checked too."""
    cli.register("after-call", _check_answer)


def _check_answer(http_response, model, **_):
    if not 200 <= http_response.status_code < 300 or model.output_shape is None or not http_response.content:
        return
    content_type = http_response.headers.get("content-type", "").split(";")[0].strip().lower()
    found = answer_problems(model, content_type, http_response.content)
    if found:
        raise ShapeMismatch(f"{model.name}'s answer does not fit its output shape: " + "; ".join(found[:10]))
