#!/usr/bin/env python3
"""Validates YAML files against `ringplan schema` the way the YAML language server reads
them (YAML 1.2 core: quoted scalars are strings; plain ones are null, booleans, integers
or strings). Prints one line per file, `ok` or `invalid: ...`; exits 0 always.

    ringplan schema > /tmp/schema.json && scripts/validate-schema.py /tmp/schema.json rules/*.yaml
"""
import json
import re
import sys

import jsonschema
import yaml


def value(node):
    if isinstance(node, yaml.MappingNode):
        return {value(k): value(v) for k, v in node.value}
    if isinstance(node, yaml.SequenceNode):
        return [value(item) for item in node.value]
    text = node.value
    if node.style is not None:  # quoted or block scalars are strings
        return text
    if text in ("", "~", "null", "Null", "NULL"):
        return None
    if text in ("true", "True", "TRUE"):
        return True
    if text in ("false", "False", "FALSE"):
        return False
    if re.fullmatch(r"[-+]?[0-9]+", text):
        return int(text)
    if re.fullmatch(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?", text):
        return float(text)
    return text


schema = json.load(open(sys.argv[1]))
jsonschema.Draft202012Validator.check_schema(schema)
validator = jsonschema.Draft202012Validator(schema)
for path in sys.argv[2:]:
    try:
        document = value(yaml.compose(open(path, encoding="utf-8")))
    except yaml.YAMLError as error:
        print(f"{path}: unreadable: {str(error).splitlines()[0]}")
        continue
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.path))
    print(f"{path}: ok" if not errors else f"{path}: invalid: {errors[0].message[:200]}")
