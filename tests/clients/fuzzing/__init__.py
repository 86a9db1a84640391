"""A model-driven API fuzzer for Berth: botocore's models → valid, mutated and hostile requests in every protocol.

models.py   the services Berth serves and valid values generated from their shapes
mutations.py  shape-aware mutations of a valid input (wrong types, huge strings, deep nesting, bad enums, …)
wire.py     encoding to AWS JSON, RPC v2 CBOR and query, and an HTTP/1.1 client that sends anything
hostile.py  hostile changes to the encoded bytes, headers, path and framing
cbor.py     a small CBOR encoder and decoder (the requests need any value, the checks need to read answers)
checks.py   what every answer must satisfy: below 500, in the protocol's shape
runner.py   the loop: seed resources, generate request i from (seed, i), send, check, probe liveness
"""
