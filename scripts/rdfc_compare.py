#!/usr/bin/env python3
"""Compares Kalan's canonical N-Quads (RDFC-1.0) of JSON-LD documents with PyLD's, offline.

usage: rdfc_compare.py CONTEXT_DIR [--context URL=FILE ...] DOCUMENT.json KALAN.nq [DOCUMENT.json KALAN.nq ...]

CONTEXT_DIR holds the pinned contexts (../shared/conformance/jsonld-contexts); --context adds one more
(Kalan's own former context). The document loader serves those URLs from the files and refuses every
other URL (no network). Each document's `proof` is left out, as eddsa-rdfc-2022 does before
canonicalizing. PyLD canonicalizes with its RDFC-1.0 implementation ("URDNA2015" is the same algorithm).
"""
import json
import os
import sys

from pyld import jsonld

PINNED = {
    "https://www.w3.org/ns/credentials/v2": "credentials-v2.jsonld",
    "https://www.w3.org/2018/credentials/v1": "credentials-v1.jsonld",
    "https://www.w3.org/ns/credentials/examples/v2": "credentials-examples-v2.jsonld",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json": "ob-context-3.0.3.json",
    "https://w3id.org/security/data-integrity/v1": "data-integrity-v1.jsonld",
    "https://w3id.org/security/data-integrity/v2": "data-integrity-v2.jsonld",
    "https://w3id.org/security/multikey/v1": "multikey-v1.jsonld",
    "https://w3id.org/security/suites/ed25519-2020/v1": "ed25519-signature-2020-v1.jsonld",
    "https://www.w3.org/ns/did/v1": "did-v1.jsonld",
}


def main(argv):
    args = argv[1:]
    if not args:
        print(__doc__)
        return 2
    context_dir = args.pop(0)
    known = {url: os.path.join(context_dir, name) for url, name in PINNED.items()}
    while args and args[0] == "--context":
        url, _, path = args[1].partition("=")
        known[url] = path
        args = args[2:]
    if not args or len(args) % 2:
        print(__doc__)
        return 2

    def loader(url, options=None):
        if url not in known:
            raise jsonld.JsonLdError("no pinned copy of " + url, "jsonld.LoadDocumentError", code="loading document failed")
        with open(known[url], encoding="utf-8") as handle:
            return {"contextUrl": None, "documentUrl": url, "document": json.load(handle)}

    same = 0
    pairs = list(zip(args[0::2], args[1::2]))
    for document_path, kalan_path in pairs:
        with open(document_path, encoding="utf-8") as handle:
            document = json.load(handle)
        document.pop("proof", None)
        with open(kalan_path, encoding="utf-8") as handle:
            kalan = handle.read()
        try:
            pyld = jsonld.normalize(document, {"algorithm": "URDNA2015", "format": "application/n-quads", "documentLoader": loader, "safe": True})
        except Exception as error:  # PyLD refusing the document is a difference
            print(f"{document_path}: PyLD failed: {error}")
            continue
        if pyld == kalan:
            same += 1
            print(f"{document_path}: same canonical N-Quads ({len(kalan.splitlines())} quads)")
        else:
            only_kalan = sorted(set(kalan.splitlines()) - set(pyld.splitlines()))
            only_pyld = sorted(set(pyld.splitlines()) - set(kalan.splitlines()))
            print(f"{document_path}: differs; only Kalan: {only_kalan}; only PyLD: {only_pyld}")
    print(f"{same} of {len(pairs)} documents canonicalize as PyLD does")
    return 0 if same == len(pairs) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
