"""Just enough CBOR (RFC 8949) for the fuzzer: encode any Python value (also ones no real client would send) and
decode the answers of Berth's RPC v2 CBOR endpoint."""
import struct


class Tagged:
    """A CBOR tag around a value: tag 1 is an epoch-seconds timestamp, any other number is hostile."""

    def __init__(self, tag, value):
        self.tag = tag
        self.value = value


def head(major, argument):
    """The initial byte(s) of an item: major type and its argument in the shortest form."""
    if argument < 24:
        return bytes([major << 5 | argument])
    for extra, size, fmt in ((24, 1, ">B"), (25, 2, ">H"), (26, 4, ">I"), (27, 8, ">Q")):
        if argument < 1 << (8 * size):
            return bytes([major << 5 | extra]) + struct.pack(fmt, argument)
    raise ValueError(f"{argument} does not fit a CBOR argument")


def encode(value):
    if value is None:
        return b"\xf6"
    if value is True:
        return b"\xf5"
    if value is False:
        return b"\xf4"
    if isinstance(value, int):
        if value >= 1 << 64 or value < -(1 << 64):
            return encode(Tagged(2 if value >= 0 else 3, abs(value).to_bytes((abs(value).bit_length() + 7) // 8, "big")))
        return head(0, value) if value >= 0 else head(1, -1 - value)
    if isinstance(value, float):
        return b"\xfb" + struct.pack(">d", value)
    if isinstance(value, str):
        data = value.encode("utf-8", "surrogatepass")
        return head(3, len(data)) + data
    if isinstance(value, (bytes, bytearray)):
        return head(2, len(value)) + bytes(value)
    if isinstance(value, (list, tuple)):
        return head(4, len(value)) + b"".join(encode(v) for v in value)
    if isinstance(value, dict):
        return head(5, len(value)) + b"".join(encode(k) + encode(v) for k, v in value.items())
    if isinstance(value, Tagged):
        return head(6, value.tag) + encode(value.value)
    raise TypeError(f"cannot encode {type(value).__name__} as CBOR")


class _Reader:
    def __init__(self, data):
        self.data = data
        self.at = 0

    def take(self, n):
        if self.at + n > len(self.data):
            raise ValueError("CBOR data ends early")
        chunk = self.data[self.at:self.at + n]
        self.at += n
        return chunk

    def argument(self, info):
        if info < 24:
            return info
        if info in (24, 25, 26, 27):
            size = 1 << (info - 24)
            return int.from_bytes(self.take(size), "big")
        if info == 31:
            return None  # indefinite length
        raise ValueError(f"reserved additional information {info}")

    def item(self, depth=0):
        if depth > 200:
            raise ValueError("CBOR nested too deep")
        initial = self.take(1)[0]
        major, info = initial >> 5, initial & 31
        if major == 7:
            return self.simple(info)
        argument = self.argument(info)
        if major == 0:
            return argument
        if major == 1:
            return -1 - argument
        if major in (2, 3):
            data = self.chunks(major) if argument is None else self.take(argument)
            return data.decode("utf-8") if major == 3 else data
        if major == 4:
            return list(self.items(argument, depth))
        if major == 5:
            values = list(self.items(None if argument is None else 2 * argument, depth))
            return dict(zip(values[0::2], values[1::2]))
        return Tagged(argument, self.item(depth + 1))

    def items(self, count, depth):
        if count is not None:
            for _ in range(count):
                yield self.item(depth + 1)
            return
        while self.data[self.at:self.at + 1] != b"\xff":
            yield self.item(depth + 1)
        self.take(1)

    def chunks(self, major):
        data = b""
        while self.data[self.at:self.at + 1] != b"\xff":
            initial = self.take(1)[0]
            if initial >> 5 != major:
                raise ValueError("indefinite string with a chunk of another type")
            data += self.take(self.argument(initial & 31))
        self.take(1)
        return data

    def simple(self, info):
        if info == 20:
            return False
        if info == 21:
            return True
        if info in (22, 23):
            return None
        if info == 25:
            return _half(self.take(2))
        if info == 26:
            return struct.unpack(">f", self.take(4))[0]
        if info == 27:
            return struct.unpack(">d", self.take(8))[0]
        raise ValueError(f"unexpected simple value {info}")


def _half(data):
    bits = int.from_bytes(data, "big")
    sign = -1.0 if bits & 0x8000 else 1.0
    exponent, fraction = (bits >> 10) & 0x1F, bits & 0x3FF
    if exponent == 0:
        return sign * fraction * 2.0 ** -24
    if exponent == 31:
        return sign * float("inf") if fraction == 0 else float("nan")
    return sign * (1 + fraction / 1024) * 2.0 ** (exponent - 15)


def decode(data):
    """The one data item of `data`; ValueError if it is not exactly one well-formed item."""
    reader = _Reader(bytes(data))
    value = reader.item()
    if reader.at != len(reader.data):
        raise ValueError("trailing bytes after the CBOR item")
    return value
