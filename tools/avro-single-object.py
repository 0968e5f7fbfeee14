#!/usr/bin/python3
"""Decode ResFlow records (Avro single-object encoding) with Python's own Avro library.

An independent reader of ResFlow's wire format: it computes each release's Parsing Canonical Form
and CRC-64-AVRO fingerprint itself, from the Avro specification ("Parsing Canonical Form for
Schemas", "Schema Fingerprints"), matches the fingerprint in the record's header, decodes the body
with python-avro, and prints the record as JSON.

The canonical form is computed here rather than taken from python-avro's `canonical_form`, because
python-avro 1.11 keeps primitive types that carry attributes (logicalType, avro.java.string) in
object form ({"type":"long"}), which the specification's [PRIMITIVES] rule turns into "long"; its
fingerprints then differ from Java's and from the specification.

    tools/avro-single-object.py schemas/src/main/resources/io/resflow/schema/releases record.bin [...]
    kcat -C -b 127.0.0.1:9092 -t labels -e -f '%s' | ...   (one record per file is simplest)

Needs Debian's python3-avro (apt-get install python3-avro).
"""
import base64
import io
import json
import os
import sys

import avro.io
import avro.schema

EMPTY = 0xC15D213AA4D7A795


def _table():
    table = []
    for i in range(256):
        fp = i
        for _ in range(8):
            fp = (fp >> 1) ^ (EMPTY & -(fp & 1))
        table.append(fp)
    return table


TABLE = _table()


def fingerprint(text):
    fp = EMPTY
    for byte in text.encode("utf-8"):
        fp = (fp >> 8) ^ TABLE[(fp ^ byte) & 0xFF]
    return fp


PRIMITIVES = {"null", "boolean", "int", "long", "float", "double", "bytes", "string"}
KEPT = ["name", "type", "fields", "symbols", "items", "values", "size"]  # [STRIP] and [ORDER]


def canonical(schema, namespace=None):
    """The specification's Parsing Canonical Form of a schema given as parsed JSON."""
    if isinstance(schema, str):
        if schema in PRIMITIVES or "." in schema or namespace is None:
            return json.dumps(schema)
        return json.dumps(namespace + "." + schema)  # [FULLNAMES]
    if isinstance(schema, list):
        return "[" + ",".join(canonical(branch, namespace) for branch in schema) + "]"
    kind = schema["type"]
    if kind in PRIMITIVES:
        return json.dumps(kind)  # [PRIMITIVES]
    if kind in ("record", "enum", "fixed", "error"):
        name = schema["name"]
        if "." not in name and schema.get("namespace", namespace):
            name = schema.get("namespace", namespace) + "." + name
        namespace = name.rsplit(".", 1)[0] if "." in name else None
        schema = dict(schema, name=name)
    parts = []
    for key in KEPT:
        if key not in schema:
            continue
        value = schema[key]
        if key == "fields":
            text = "[" + ",".join(
                '{"name":%s,"type":%s}' % (json.dumps(f["name"]), canonical(f["type"], namespace)) for f in value
            ) + "]"
        elif key in ("type", "items", "values"):
            text = canonical(value, namespace) if key != "type" else json.dumps(value)
        elif key == "symbols":
            text = "[" + ",".join(json.dumps(v) for v in value) + "]"
        else:
            text = json.dumps(value)
        parts.append("%s:%s" % (json.dumps(key), text))
    return "{" + ",".join(parts) + "}"


def releases(directory):
    known = {}
    for name in sorted(os.listdir(directory)):
        if name.endswith(".avsc"):
            with open(os.path.join(directory, name)) as f:
                text = f.read()
            known[fingerprint(canonical(json.loads(text)))] = (name, avro.schema.parse(text))
    return known


def plain(value):
    if isinstance(value, bytes):
        return {"base64": base64.b64encode(value).decode("ascii")}
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def decode(known, data):
    if len(data) < 10 or data[0:2] != b"\xc3\x01":
        raise ValueError("not single-object encoded: no C3 01 marker")
    fp = int.from_bytes(data[2:10], "little")
    if fp not in known:
        raise ValueError("unknown schema fingerprint 0x%016x" % fp)
    name, schema = known[fp]
    reader = avro.io.DatumReader(schema)
    record = reader.read(avro.io.BinaryDecoder(io.BytesIO(data[10:])))
    return {"release": name, "fingerprint": "0x%016x" % fp, "record": plain(record)}


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    known = releases(argv[1])
    status = 0
    for path in argv[2:]:
        with open(path, "rb") as f:
            data = f.read()
        try:
            print(json.dumps(decode(known, data), sort_keys=True))
        except ValueError as e:
            print(json.dumps({"file": path, "error": str(e)}))
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv))
