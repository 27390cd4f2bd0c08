#!/usr/bin/env python3
"""Verifies Open Badges 3.0 credentials with openbadgeslib (PyPI), a library Kalan did not write.

usage: ob3_verify.py PUBLIC_KEY_MULTIBASE [--status-list STATUS_LIST.json] CREDENTIAL.json...

Each credential goes through openbadgeslib's OB3LdpVerifier pinned to the issuer's Ed25519 key
(z6Mk…): its eddsa-rdfc-2022 proof, the document being the compacted form of what was signed under
the bundled standard contexts only (nothing is fetched), the OpenBadgeCredential checks and the
validity window. A copy with the holder's name changed must be refused. With --status-list, the
status list credential's own eddsa-rdfc-2022 proof is checked with the same key (openbadgeslib's
verify_data_integrity_proof; its OB3LdpVerifier checks a list's signature only for JWT-VC lists).
"""
import json
import sys

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from importlib.metadata import version
from openbadgeslib.ob3.did import _b58btc_decode
from openbadgeslib.ob3.ldp import OB3LdpVerifier, verify_data_integrity_proof


def main(argv):
    if len(argv) < 3:
        print(__doc__)
        return 2
    multibase, files = argv[1], argv[2:]
    status_list = None
    if files[:1] == ["--status-list"]:
        status_list, files = files[1], files[2:]
    raw = _b58btc_decode(multibase[1:])[2:]  # z…, then the 0xed01 multicodec prefix
    pem = Ed25519PublicKey.from_public_bytes(raw).public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    list_ok = True
    if status_list:
        with open(status_list, encoding="utf-8") as handle:
            try:
                verify_data_integrity_proof(json.load(handle), pem)
                print(f"{status_list}: the status list's proof verifies")
            except Exception as error:
                print(f"{status_list}: refused: {type(error).__name__}: {error}")
                list_ok = False
    verified = 0
    for path in files:
        with open(path, encoding="utf-8") as handle:
            document = json.load(handle)
        try:
            OB3LdpVerifier(pubkey_pem=pem).verify(json.dumps(document), check_status=False)
        except Exception as error:  # a refusal of a genuine credential is the failure reported
            print(f"{path}: refused: {type(error).__name__}: {error}")
            continue
        altered = json.loads(json.dumps(document))
        names = [i for i in altered.get("credentialSubject", {}).get("identifier", []) if i.get("identityType") == "name"]
        if names:
            names[0]["identityHash"] = names[0]["identityHash"] + " X"
            try:
                OB3LdpVerifier(pubkey_pem=pem).verify(json.dumps(altered), check_status=False)
                print(f"{path}: a copy with another name was accepted")
                continue
            except Exception:
                pass
        verified += 1
    print(f"{verified} of {len(files)} credentials verified by openbadgeslib {version('openbadgeslib')}")
    return 0 if verified == len(files) and list_ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
