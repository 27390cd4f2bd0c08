#!/usr/bin/env python3
"""Expands JSON-LD credentials with PyLD, offline, and fails on any term no context defines.

usage: jsonld_expand.py CONTEXT_DIR KALAN_CONTEXT_URL KALAN_CONTEXT_FILE CREDENTIAL.json...

CONTEXT_DIR holds the VC 2.0, OB 3.0.3 and DID 1.0 contexts (../shared/conformance/jsonld-contexts);
KALAN_CONTEXT_FILE is Kalan's own context as served at KALAN_CONTEXT_URL. The document loader
serves those four URLs from the files and refuses every other URL (no network).
A credential fails when expansion drops a property, when a type is not an absolute IRI, or when
expansion raises (a protected term redefined, an unknown context).
"""
import json
import os
import sys

from pyld import jsonld


def main(argv):
    if len(argv) < 5:
        print(__doc__)
        return 2
    context_dir, kalan_url, kalan_file, files = argv[1], argv[2], argv[3], argv[4:]
    known = {
        "https://www.w3.org/ns/credentials/v2": os.path.join(context_dir, "credentials-v2.jsonld"),
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json": os.path.join(context_dir, "ob-context-3.0.3.json"),
        "https://www.w3.org/ns/did/v1": os.path.join(context_dir, "did-v1.jsonld"),
        kalan_url: kalan_file,
    }

    def loader(url, options=None):
        if url not in known:
            raise jsonld.JsonLdError("no local copy of " + url, "jsonld.LoadDocumentError", code="loading document failed")
        with open(known[url], encoding="utf-8") as handle:
            return {"contextUrl": None, "documentUrl": url, "document": json.load(handle)}

    failures = 0
    for path in files:
        with open(path, encoding="utf-8") as handle:
            document = json.load(handle)
        dropped = []
        try:
            expanded = jsonld.expand(document, {"documentLoader": loader}, on_property_dropped=lambda p: dropped.append(p))
        except Exception as error:  # an expansion error is a failure of this credential
            print(f"{path}: expansion failed: {error}")
            failures += 1
            continue
        bad_types = []

        def walk(node):
            if isinstance(node, list):
                for item in node:
                    walk(item)
            elif isinstance(node, dict):
                for key, value in node.items():
                    if key == "@type" and "@value" not in node:
                        for t in value if isinstance(value, list) else [value]:
                            if ":" not in t:
                                bad_types.append(t)
                    walk(value)

        walk(expanded)
        if dropped or bad_types:
            print(f"{path}: dropped properties {sorted(set(map(str, dropped)))}, undefined types {sorted(set(bad_types))}")
            failures += 1
        else:
            print(f"{path}: every term defined ({len(json.dumps(expanded))} bytes expanded)")
    print(f"{len(files) - failures} of {len(files)} documents expand without dropping a term")
    return 1 if failures or not files else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
