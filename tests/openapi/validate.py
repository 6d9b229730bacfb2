#!/usr/bin/python3
"""Checks answers the integration tests received against the OpenAPI document.

Usage: validate.py openapi/openapi.json RECORD

RECORD holds one JSON object a line, appended by the integration harness's
HTTP client when WA_OPENAPI_RECORD names the file: method, target (path and
query as sent), status, content_type, body (null with "binary": true when it
was not UTF-8).

An answer under one of the document's locations (the common prefix of the
paths a directive serves, e.g. /whatsapp-report/) must be documented:
  - the path matches a path template of the document and the method is one of
    its operations: the status must be one of the operation's responses (or
    one of x-wa-report-location-errors), the Content-Type one of that
    response's media types, and the body must validate against its schema
    (a response without content: an empty body);
  - otherwise (an unknown path, another method): the status must be one of
    x-wa-report-location-errors, validated the same way.
Answers outside every location (the tests' own locations with other prefixes,
the test gateway) are counted and skipped. Every example in the document is
also validated against its schema, so the examples are the real shapes.

Prints each mismatch and ends with "N passed, M failed" (one check for the
examples, one for the recorded answers).
"""
import json
import re
import sys
import warnings

import jsonschema

OPERATIONS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


class Document:
    def __init__(self, doc):
        self.doc = doc
        # Bookworm's jsonschema (4.10) has RefResolver and not yet its successor.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            self.resolver = jsonschema.RefResolver("", doc)
        self.templates = []  # (regex, template, path item), concrete paths first
        by_directive = {}
        for template, item in doc["paths"].items():
            regex = "^" + re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template)) + "$"
            self.templates.append((re.compile(regex), template, item))
            by_directive.setdefault(item.get("x-wa-report-directive", ""), []).append(template)
        self.templates.sort(key=lambda t: "{" in t[1])
        self.locations = [self.location_of(paths) for paths in by_directive.values()]
        self.location_errors = doc.get("x-wa-report-location-errors", {}).get("responses", {})

    @staticmethod
    def location_of(paths):
        """The prefix a location of these paths has (exact for a single path)."""
        if len(paths) == 1 and "{" not in paths[0] and not paths[0].endswith("/"):
            return (paths[0], True)
        prefix = paths[0]
        for p in paths[1:]:
            while not p.startswith(prefix):
                prefix = prefix[:-1]
        return (prefix[: prefix.rfind("/") + 1], False)

    def under_location(self, path):
        for prefix, exact in self.locations:
            if exact and path == prefix:
                return True
            # nginx answers the prefix without its slash in the API's shape too.
            if not exact and (path.startswith(prefix) or path == prefix.rstrip("/")):
                return True
        return False

    def deref(self, node):
        while isinstance(node, dict) and "$ref" in node:
            _, node = self.resolver.resolve(node["$ref"])
        return node

    def operation(self, method, path):
        """As the router chooses: the first template matching path and method
        (DELETE /openapi.json is DELETE /{report_id}); else the first matching
        the path, without an operation."""
        first = None
        for regex, template, item in self.templates:
            if regex.match(path):
                op = item.get(method.lower())
                if op is not None:
                    return template, op
                first = first or template
        return first, None

    def errors(self, schema, value):
        validator = jsonschema.Draft202012Validator(schema, resolver=self.resolver)
        return [e.message for e in validator.iter_errors(value)]


def check_answer(d, rec):
    """A list of problems with one recorded answer (empty: it is documented)."""
    path = rec["target"].split("?", 1)[0]
    method = rec["method"]
    status = str(rec["status"])
    template, op = d.operation(method, path)
    response = None
    where = "%s %s" % (method, template if op is not None else path)
    if op is not None:
        response = op["responses"].get(status) or op["responses"].get("default")
    if response is None:
        response = d.location_errors.get(status)
    if response is None:
        if op is None:
            return ["%s: not in the document (answered %s)" % (where, status)]
        return ["%s: status %s is not documented" % (where, status)]
    response = d.deref(response)
    content = response.get("content")
    body = rec["body"]
    if method == "HEAD" or status == "304":
        return []
    if not content:
        return [] if body == "" else ["%s %s: documented without a body, got %r" % (where, status, body[:200])]
    media = rec["content_type"].split(";")[0].strip().lower()
    known = {k.split(";")[0].strip().lower(): v for k, v in content.items()}
    if media not in known:
        return ["%s %s: Content-Type %r is not one of %s" % (where, status, rec["content_type"], sorted(known))]
    if media != "application/json":
        return []
    if rec.get("binary"):
        return ["%s %s: the JSON body is not UTF-8" % (where, status)]
    try:
        value = json.loads(body)
    except ValueError as e:
        return ["%s %s: body is not JSON (%s): %r" % (where, status, e, body[:200])]
    problems = d.errors(known[media].get("schema", {}), value)
    return ["%s %s: %s; body %s" % (where, status, p, body[:300]) for p in problems[:3]]


def check_examples(d):
    problems = []

    def walk(node, trail):
        if isinstance(node, dict):
            if "schema" in node and "example" in node:
                for p in d.errors(node["schema"], node["example"]):
                    problems.append("example at %s: %s" % (trail, p))
            for k, v in node.items():
                walk(v, trail + "/" + k)
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, "%s/%d" % (trail, i))

    walk(d.doc["paths"], "#/paths")
    walk(d.doc["components"].get("responses", {}), "#/components/responses")
    for name, schema in d.doc["components"].get("schemas", {}).items():
        for i, example in enumerate(schema.get("examples", [])):
            for p in d.errors(schema, example):
                problems.append("example %d of schema %s: %s" % (i, name, p))
    return problems


def main():
    if len(sys.argv) != 3:
        print(__doc__.split("\n\n")[1])
        return 2
    d = Document(load(sys.argv[1]))
    passed = failed = 0

    problems = check_examples(d)
    for p in problems:
        print("FAIL:", p)
    if problems:
        failed += 1
    else:
        passed += 1

    checked = skipped = 0
    answered = set()  # (method, path template) that got a 2xx answer
    problems = []
    seen = set()
    with open(sys.argv[2], encoding="utf-8") as f:
        for line in f:
            rec = json.loads(line)
            if not d.under_location(rec["target"].split("?", 1)[0]):
                skipped += 1
                continue
            checked += 1
            template, op = d.operation(rec["method"], rec["target"].split("?", 1)[0])
            if op is not None and 200 <= rec["status"] < 300:
                answered.add((rec["method"].lower(), template))
            for p in check_answer(d, rec):
                # The same mismatch from many requests is one line.
                key = re.sub(r"[0-9a-f]{8}-[0-9a-f-]{27}|[0-9]+", "#", p.split("; body ")[0])
                if key not in seen:
                    seen.add(key)
                    problems.append(p)
    for p in problems:
        print("FAIL:", p)
    # For information: what no test has seen succeed (served by code that
    # lands separately, or not covered).
    unseen = ["%s %s" % (m.upper(), path) for path, item in d.doc["paths"].items()
              for m in item if m in OPERATIONS and (m, path) not in answered]
    if unseen:
        print("documented operations no recorded test answered with 2xx:", ", ".join(sorted(unseen)))
    print("answers checked against the document: %d (%d outside its locations, skipped); %d mismatches"
          % (checked, skipped, len(problems)))
    if problems or checked == 0:
        failed += 1
    else:
        passed += 1
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
