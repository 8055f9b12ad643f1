#!/usr/bin/env python3
"""schema_check.py SCHEMA FILE...: validate JSON files against a JSON Schema, standard library only.

No jsonschema package can be installed in CI, so this implements the subset of draft 2020-12 that
conformance/schema/mxm-conformance-1.schema.json uses (type, const, enum, properties, required,
additionalProperties, propertyNames, items, minItems, uniqueItems, minProperties, minimum,
pattern, $ref to #/$defs, allOf, anyOf, oneOf, not, if/then/else, boolean schemas). A keyword it
does not know is an error, so the schema cannot silently outgrow the checker.
Prints "FILE: /pointer: message" per violation; exit 1 if any, 0 otherwise.
"""
import json
import re
import sys

KNOWN = {"$schema", "$id", "title", "description", "type", "const", "enum", "properties", "required",
         "additionalProperties", "propertyNames", "items", "minItems", "uniqueItems", "minProperties",
         "minimum", "pattern", "$ref", "$defs", "allOf", "anyOf", "oneOf", "not", "if", "then", "else"}
TYPES = {"object": dict, "array": list, "string": str, "boolean": bool}


def type_ok(value, t):
    if t == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if t == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if t == "null":
        return value is None
    return isinstance(value, TYPES[t]) and not (t != "boolean" and isinstance(value, bool))


def esc(key):
    return str(key).replace("~", "~0").replace("/", "~1")


def validate(root, schema, value, ptr, errors):
    if schema is True:
        return
    if schema is False:
        errors.append((ptr, "no value is allowed here"))
        return
    unknown = set(schema) - KNOWN
    if unknown:
        raise SystemExit("schema uses unsupported keywords %s" % sorted(unknown))
    if "$ref" in schema:
        ref = schema["$ref"]
        assert ref.startswith("#/$defs/"), ref
        validate(root, root["$defs"][ref[len("#/$defs/"):]], value, ptr, errors)
    if "type" in schema and not type_ok(value, schema["type"]):
        errors.append((ptr, "must be %s" % schema["type"]))
        return
    if "const" in schema and value != schema["const"]:
        errors.append((ptr, "must be %r" % (schema["const"],)))
    if "enum" in schema and value not in schema["enum"]:
        errors.append((ptr, "%r is not one of %s" % (value, schema["enum"])))
    if isinstance(value, str) and "pattern" in schema and not re.search(schema["pattern"], value):
        errors.append((ptr, "%r does not match %s" % (value, schema["pattern"])))
    if isinstance(value, (int, float)) and "minimum" in schema and value < schema["minimum"]:
        errors.append((ptr, "below %s" % schema["minimum"]))
    if isinstance(value, dict):
        for key in schema.get("required", []):
            if key not in value:
                errors.append((ptr, "missing required key %r" % key))
        if "minProperties" in schema and len(value) < schema["minProperties"]:
            errors.append((ptr, "fewer than %d keys" % schema["minProperties"]))
        props = schema.get("properties", {})
        for key, sub in value.items():
            if "propertyNames" in schema:
                validate(root, schema["propertyNames"], key, ptr + "/" + esc(key), errors)
            if key in props:
                validate(root, props[key], sub, ptr + "/" + esc(key), errors)
            elif "additionalProperties" in schema:
                if schema["additionalProperties"] is False:
                    errors.append((ptr + "/" + esc(key), "unknown key %r" % key))
                else:
                    validate(root, schema["additionalProperties"], sub, ptr + "/" + esc(key), errors)
    if isinstance(value, list):
        if "minItems" in schema and len(value) < schema["minItems"]:
            errors.append((ptr, "fewer than %d items" % schema["minItems"]))
        if schema.get("uniqueItems") and len(set(map(json.dumps, value))) != len(value):
            errors.append((ptr, "items are not unique"))
        if "items" in schema:
            for i, item in enumerate(value):
                validate(root, schema["items"], item, "%s/%d" % (ptr, i), errors)
    for sub in schema.get("allOf", []):
        validate(root, sub, value, ptr, errors)

    def passes(sub):
        e = []
        validate(root, sub, value, ptr, e)
        return not e
    if "anyOf" in schema and not any(passes(s) for s in schema["anyOf"]):
        errors.append((ptr, "matches none of anyOf"))
    if "oneOf" in schema and sum(passes(s) for s in schema["oneOf"]) != 1:
        errors.append((ptr, "must match exactly one of oneOf"))
    if "not" in schema and passes(schema["not"]):
        errors.append((ptr, "matches a forbidden form (not)"))
    if "if" in schema:
        branch = schema.get("then") if passes(schema["if"]) else schema.get("else")
        if branch is not None:
            validate(root, branch, value, ptr, errors)


def main(argv):
    schema = json.load(open(argv[1]))
    bad = 0
    for path in argv[2:]:
        errors = []
        validate(schema, schema, json.load(open(path)), "", errors)
        for ptr, msg in errors:
            print("%s: %s: %s" % (path.rsplit("/", 1)[-1], ptr or "/", msg))
        bad += bool(errors)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
