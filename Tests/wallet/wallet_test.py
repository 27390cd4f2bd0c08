"""A phone wallet against a real `kalan serve` (issue 31), written from the wallets' own messages:
the Learner Credential Wallet's request link (a bare presentation signed Ed25519Signature2020),
a VCALM interaction URL leading to a VC-API exchange (a DataIntegrityProof eddsa-rdfc-2022
presentation), and OpenID4VCI 1.0's pre-authorized code with a transaction code (and draft 13's
form). Each credential received is verified here, independently of Kalan: PyLD's RDFC-1.0 over the
pinned contexts only (never fetched), the issuer's did:web document, the subject = the wallet's
DID, the status list entry live. Every refusal of the issue is checked: a 4xx JSON answer in the
protocol's form, in under a second, issuing nothing.

did:web over a loopback http URL: the test serves Kalan on http://127.0.0.1:PORT, whose DID is
did:web:127.0.0.1%3APORT; real wallets fetch did:web documents over https only, so this wallet maps
the DID to the http URL (the only liberty it takes).
"""

import argparse
import base64
import datetime
import gzip
import hashlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

import nacl.signing
from jwcrypto import jwk, jws
from pyld import jsonld

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CONTEXTS = os.path.join(ROOT, "Sources/KalanCertificates/LinkedData/Contexts")
PINNED = {
    "https://www.w3.org/ns/credentials/v2": "credentials-v2.jsonld",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json": "ob-context-3.0.3.json",
    "https://w3id.org/security/suites/ed25519-2020/v1": "ed25519-signature-2020-v1.jsonld",
    "https://w3id.org/security/data-integrity/v2": "data-integrity-v2.jsonld",
    "https://w3id.org/security/multikey/v1": "multikey-v1.jsonld",
    "https://www.w3.org/ns/did/v1": "did-v1.jsonld",
}
FAILURES = []
# Kalan's limit of offers per account and hour (WalletOffers.offersPerHour); the test's account made 2 before the flood (API, page).
WALLET_OFFERS_PER_HOUR = 30
TIMINGS = []


def check(ok, what):
    print(("  ok    " if ok else "  FAIL  ") + what, flush=True)
    if not ok:
        FAILURES.append(what)


def loader(url, options=None):
    if url not in PINNED:
        raise jsonld.JsonLdError(f"context not pinned: {url}", "jsonld.LoadDocumentError", code="loading document failed")
    with open(os.path.join(CONTEXTS, PINNED[url])) as f:
        return {"contentType": "application/ld+json", "contextUrl": None, "documentUrl": url, "document": json.load(f)}


def canon(document):
    return jsonld.normalize(document, {"algorithm": "URDNA2015", "format": "application/n-quads", "documentLoader": loader})


B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def b58encode(data):
    n = int.from_bytes(data, "big")
    out = ""
    while n:
        n, r = divmod(n, 58)
        out = B58[r] + out
    return "1" * (len(data) - len(data.lstrip(b"\0"))) + out


def b58decode(text):
    n = 0
    for c in text:
        n = n * 58 + B58.index(c)
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return b"\0" * (len(text) - len(text.lstrip("1"))) + raw


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class Holder:
    """A wallet's Ed25519 key, its did:key, and the same key as a JWK for proof JWTs."""

    def __init__(self):
        self.signing = nacl.signing.SigningKey.generate()
        public = bytes(self.signing.verify_key)
        self.multibase = "z" + b58encode(b"\xed\x01" + public)
        self.did = "did:key:" + self.multibase
        self.kid = f"{self.did}#{self.multibase}"
        self.jwk = jwk.JWK(kty="OKP", crv="Ed25519", x=b64url(public), d=b64url(bytes(self.signing)))

    def presentation(self, challenge, domain=None, suite="Ed25519Signature2020", created=None, holder=None, contexts=None):
        """LCW 2.2.10's DID authentication presentation (or a DataIntegrityProof eddsa-rdfc-2022 one)."""
        if suite == "Ed25519Signature2020":
            context = ["https://www.w3.org/ns/credentials/v2", "https://w3id.org/security/suites/ed25519-2020/v1"]
            proof = {"type": "Ed25519Signature2020"}
        else:
            context = ["https://www.w3.org/ns/credentials/v2"]
            proof = {"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022"}
        context = context + (contexts or [])
        vp = {"@context": context, "type": ["VerifiablePresentation"], "holder": holder or self.did}
        created = created or datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
        proof.update({"created": created.strftime("%Y-%m-%dT%H:%M:%SZ"), "verificationMethod": self.kid, "proofPurpose": "authentication",
                      "challenge": challenge})
        if domain:
            proof["domain"] = domain
        options = dict(proof, **{"@context": context})
        data = hashlib.sha256(canon(options).encode()).digest() + hashlib.sha256(canon(vp).encode()).digest()
        proof["proofValue"] = "z" + b58encode(self.signing.sign(data).signature)
        vp["proof"] = proof
        return vp

    def proof_jwt(self, aud, nonce, iat=None, typ="openid4vci-proof+jwt", alg="EdDSA", signer=None, kid=None):
        header = {"typ": typ, "alg": alg, "kid": kid or self.kid}
        claims = {"aud": aud, "iat": int(iat if iat is not None else time.time()), "nonce": nonce}
        if alg == "none":
            return f"{b64url(json.dumps(header).encode())}.{b64url(json.dumps(claims).encode())}."
        token = jws.JWS(json.dumps(claims).encode())
        token.add_signature((signer or self).jwk, None, json.dumps(header), None)
        return token.serialize(compact=True)


def http(method, url, body=None, headers=None, form=None, raw=None):
    headers = dict(headers or {})
    data = None
    if form is not None:
        data = urllib.parse.urlencode(form).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    elif raw is not None:
        data = raw
        headers.setdefault("Content-Type", "application/json")
    elif body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    headers.setdefault("Accept", "application/json")
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            status, text, got = response.status, response.read().decode(), dict(response.headers)
    except urllib.error.HTTPError as error:
        status, text, got = error.code, error.read().decode(), dict(error.headers)
    elapsed = time.monotonic() - started
    try:
        parsed = json.loads(text)
    except ValueError:
        parsed = None
    return status, parsed, got, elapsed, text


def refused(what, answer, status, code, field="error"):
    got, body, _, elapsed, text = answer
    TIMINGS.append(elapsed)
    value = body.get(field) if isinstance(body, dict) else None
    check(got == status and value == code and elapsed < 1.0, f"refused: {what} -> {got} {field}={value} in {elapsed * 1000:.0f} ms")


def did_web_to_url(did):
    """did:web → its document URL; a loopback host is mapped to http (the test's one liberty)."""
    parts = did[len("did:web:"):].split(":")
    host = urllib.parse.unquote(parts[0])
    scheme = "http" if host.startswith(("127.0.0.1", "localhost")) else "https"
    path = "/".join(parts[1:])
    return f"{scheme}://{host}/{path}/did.json" if path else f"{scheme}://{host}/.well-known/did.json"


def verify_data_integrity(document, public_key):
    """eddsa-rdfc-2022 (one proof, or a one-element proof set) with PyLD and PyNaCl."""
    proofs = document["proof"] if isinstance(document["proof"], list) else [document["proof"]]
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    for proof in proofs:
        if proof.get("type") != "DataIntegrityProof" or proof.get("cryptosuite") != "eddsa-rdfc-2022":
            return False
        options = {k: v for k, v in proof.items() if k != "proofValue"}
        options["@context"] = document["@context"]
        data = hashlib.sha256(canon(options).encode()).digest() + hashlib.sha256(canon(unsecured).encode()).digest()
        try:
            nacl.signing.VerifyKey(public_key).verify(data, b58decode(proof["proofValue"][1:]))
        except Exception:
            return False
    return True


def verify_received(credential, holder, serial, base):
    """The credential a wallet received, checked by this wallet alone."""
    issuer = credential["issuer"]["id"] if isinstance(credential["issuer"], dict) else credential["issuer"]
    proof = credential["proof"][0] if isinstance(credential["proof"], list) else credential["proof"]
    method = proof["verificationMethod"]
    _, did_doc, _, _, _ = http("GET", did_web_to_url(issuer))
    asserted = method in (did_doc or {}).get("assertionMethod", [])
    key = next((m for m in did_doc.get("verificationMethod", []) if m["id"] == method), None) if did_doc else None
    public = b58decode(key["publicKeyMultibase"][1:])[2:] if key else b""
    status = credential.get("credentialStatus", {})
    _, status_list, _, _, _ = http("GET", status.get("statusListCredential", base + "/status/1"))
    list_ok = verify_data_integrity(status_list, public) and status_list["issuer"] == issuer
    bits = gzip.decompress(base64.urlsafe_b64decode(status_list["credentialSubject"]["encodedList"][1:] + "=="))
    index = int(status["statusListIndex"])
    live = not (bits[index // 8] >> (7 - index % 8)) & 1
    ok = (issuer.startswith("did:web:") and method.startswith(issuer + "#") and asserted and verify_data_integrity(credential, public)
          and credential["credentialSubject"]["id"] == holder.did and serial in credential["description"] + credential["name"] + json.dumps(credential)
          and list_ok and live and credential["id"].startswith("urn:uuid:"))
    return ok, {"issuer": issuer, "asserted": asserted, "subject": credential["credentialSubject"].get("id"), "status_list_signed": list_ok,
                "live": live}


def browser_check(base, serial, root):
    """HR signs in on a 390 px wide headless Chromium, makes an offer on the certificate's wallet
    page, and the page's QR codes, decoded from a screenshot by zbarimg, are its links."""
    from selenium import webdriver
    from selenium.webdriver.common.by import By
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    binary = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if binary:
        options.binary_location = binary
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=390,844", "--hide-scrollbars"):
        options.add_argument(arg)
    driver_path = shutil.which("chromedriver")
    driver = webdriver.Chrome(options=options, service=Service(executable_path=driver_path) if driver_path else Service())
    try:
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": 390, "height": 844, "deviceScaleFactor": 2, "mobile": True})
        driver.get(base + "/login?lang=fr")
        driver.find_element(By.NAME, "username").send_keys("drh")
        driver.find_element(By.NAME, "password").send_keys(os.environ.get("KALAN_PASSWORD", "wallet-test-pw-1"))
        driver.find_element(By.CSS_SELECTOR, "form button[type=submit], form input[type=submit]").click()
        time.sleep(0.5)
        driver.get(f"{base}/certificates/{serial}/wallet?lang=fr")
        driver.find_element(By.CSS_SELECTOR, f"form[action^='/certificates/{serial}/wallet'] button").click()
        time.sleep(0.5)
        links = [a.get_attribute("href") for a in driver.find_elements(By.CSS_SELECTOR, ".wallet-code a")]
        headings = [h.text for h in driver.find_elements(By.CSS_SELECTOR, ".wallet-code h2")]
        wide = driver.execute_script("return document.documentElement.scrollWidth")
        height = driver.execute_script("return document.documentElement.scrollHeight")
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": 390, "height": height, "deviceScaleFactor": 2, "mobile": True})
        shot = os.path.join(root, "wallet-offer-390.png")
        driver.save_screenshot(shot)
    finally:
        driver.quit()
    decoded = subprocess.run(["zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", shot], capture_output=True, text=True).stdout.split()
    check(headings[:2] == ["Learner Credential Wallet", "Autres portefeuilles (OpenID4VCI)"], f"the page shows LCW first, then OpenID4VCI ({headings})")
    check(wide <= 390, f"nothing wider than the phone ({wide} px)")
    check(len(links) == 2 and sorted(decoded) == sorted(links) and links[0].startswith("https://lcw.app/request?")
          and links[1].startswith("openid-credential-offer://"), f"zbarimg reads the two QR codes as the page's links ({len(decoded)} decoded)")
    if os.environ.get("WALLET_SHOT"):
        shutil.copy(shot, os.environ["WALLET_SHOT"])


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"port {port} did not open")


class Kalan:
    def __init__(self, binary, root, env):
        self.binary, self.root, self.env = binary, root, env

    def run(self, *args, check_rc=True):
        result = subprocess.run([self.binary, *args, "--log-level", "warning"], capture_output=True, text=True, env=self.env,
                                stdin=subprocess.DEVNULL, timeout=120)
        if check_rc and result.returncode != 0:
            raise RuntimeError(f"kalan {' '.join(args)}: {result.returncode} {result.stdout} {result.stderr}")
        return result

    def psql(self, sql):
        bindir = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True).stdout.strip()
        url = f"postgresql:///kalan?host={os.path.join(self.root, 'postgres')}&port=5432&user=postgres"
        return subprocess.run([os.path.join(bindir, "psql"), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", url, "-c", sql], check=True,
                              capture_output=True, text=True, stdin=subprocess.DEVNULL).stdout.strip()

    def offer(self, serial):
        return json.loads(self.run("certificate", "offer", serial, "--json").stdout)


def transcript(out, title, exchanges):
    out.write(f"\n## {title}\n")
    for line in exchanges:
        out.write(line + "\n")


def without_images(value):
    if isinstance(value, dict):
        return {k: without_images(v) for k, v in value.items()}
    if isinstance(value, list):
        return [without_images(v) for v in value]
    return "data:image/svg+xml;base64,…" if isinstance(value, str) and value.startswith("data:image") else value


def short(value, keep=600):
    text = json.dumps(without_images(value), ensure_ascii=False) if not isinstance(value, str) else value
    return text if len(text) <= keep else text[:keep] + f"… ({len(text)} characters)"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--kalan", required=True)
    parser.add_argument("--transcript", help="write the whole exchanges here")
    options = parser.parse_args()
    started = time.monotonic()
    root = tempfile.mkdtemp(prefix="kalan-wallet-")
    os.chmod(root, 0o755)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = dict(os.environ, KALAN_DATA_DIR=root, KALAN_LANG="fr", KALAN_ALLOW_LOOPBACK_URL="1", KALAN_PUBLIC_URL=base, KALAN_PASSWORD="wallet-test-pw-1")
    kalan = Kalan(options.kalan, root, env)
    server = None
    log = []
    try:
        today = datetime.date.today()
        kalan.run("keys", "generate")
        kalan.run("department", "add", "DNT", "--name-fr", "Direction nationale des télécommunications", "--name-en", "National telecoms directorate")
        kalan.run("partner", "add", "ITU-IR", "--name", "Institut de télécommunications", "--kind", "university", "--country", "IR")
        kalan.run("course", "add", "RES-5G", "--title-fr", "Réseaux 5G", "--title-en", "5G networks", "--domain", "5g", "--hours", "40")
        kalan.run("session", "add", "S-5G-01", "--course", "RES-5G", "--partner", "ITU-IR", "--from", (today - datetime.timedelta(days=10)).isoformat(),
                  "--to", (today - datetime.timedelta(days=6)).isoformat(), "--city", "Bamako", "--country", "ML", "--capacity", "10", "--status", "open")
        for number, given, phone in (("W001", "Aïssata", "+223 76 00 00 01"), ("W002", "Ibrahim", None)):
            args = ["trainee", "add", number, "--given-name", given, "--family-name", "Maïga", "--sex", "F", "--department", "DNT",
                    "--email", f"{number.lower()}@mcenma.gouv.ml"]
            kalan.run(*(args + (["--phone", phone] if phone else [])))
        kalan.run("enrol", "--session", "S-5G-01", "W001", "W002")
        for number in ("W001", "W002"):
            kalan.run("complete", "--session", "S-5G-01", number, "--outcome", "completed", "--reason", "Attestation de présence vérifiée")
            kalan.run("certificate", "issue", number, "--session", "S-5G-01")
        kalan.run("user", "add", "drh", "--role", "hr", "--name", "DRH")
        token = kalan.run("token", "create", "drh", "--name", "wallet test").stdout.strip()
        server = subprocess.Popen([options.kalan, "serve", "--port", str(port), "--log-level", "warning"], env=env,
                                  stdout=open(f"{root}/serve.log", "w"), stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        wait_port(port, 60)
        auth = {"Authorization": f"Bearer {token}"}
        serial, serial2 = kalan.psql("SELECT string_agg(serial, ' ' ORDER BY t.staff_number) FROM certificate c JOIN enrolment e ON e.id = c.enrolment_id "
                                     "JOIN trainee t ON t.id = e.trainee_id").split()

        print("1. The ministry's DID", flush=True)
        did = "did:web:127.0.0.1%3A" + str(port)
        status, doc, headers, _, _ = http("GET", base + "/.well-known/did.json")
        check(status == 200 and doc["id"] == did and doc["assertionMethod"] and doc["verificationMethod"][0]["type"] == "Multikey",
              f"/.well-known/did.json is the DID document of {did}")
        check(did_web_to_url(did) == base + "/.well-known/did.json", "did:web maps to the document's URL (http for the loopback)")
        stored = json.loads(kalan.run("certificate", "show", serial, "--format", "json", check_rc=False).stdout or "{}") if False else None
        status, issued, _, _, _ = http("GET", f"{base}/verify/{serial}/credential.json")
        check(issued["issuer"]["id"] == did and issued["proof"][0]["verificationMethod"].startswith(did + "#"),
              "a new certificate names the DID as issuer and signs with the DID's key")
        check(verify_data_integrity(issued, b58decode(doc["verificationMethod"][0]["publicKeyMultibase"][1:])[2:]),
              "the certificate's proof verifies with the key of the DID document (PyLD)")

        print("2. The offer (API, CLI), its notice", flush=True)
        status, offer, _, _, _ = http("POST", f"{base}/api/v1/certificates/{serial}/wallet-offers", body={"validForMinutes": 20}, headers=auth)
        check(status == 201 and set(offer) >= {"offerId", "expiresAt", "lcwRequestUrl", "interactionUrl", "credentialOfferUrl", "txCode"},
              f"POST /api/v1/certificates/{{serial}}/wallet-offers answers the offer (201) with its txCode for HR ({status} {short(offer, 300)})")
        check(len(offer["offerId"]) == 22 and len(offer["txCode"]) == 6 and offer["txCode"].isdigit(), "ids of 128 bits, a 6-digit code")
        notices = kalan.psql("SELECT channel || ':' || (facts->>'code') FROM notice WHERE kind = 'wallet_code' ORDER BY id")
        check(notices.splitlines()[-1] == "sms:" + offer["txCode"], f"the transaction code went to the holder's outbox by SMS ({notices.splitlines()[-1][:4]}…)")
        cli = kalan.offer(serial)
        check(set(cli) == {"offerId", "expiresAt", "lcwRequestUrl", "interactionUrl", "credentialOfferUrl", "txCode"},
              "kalan certificate offer SERIAL --json gives the same object")
        status, _, _, _, _ = http("POST", offer["interactionUrl"].split("?")[0].replace("interactions", "exchanges"), body={})
        check(status == 410, "a new offer ends the old one (its exchange answers 410)")
        link = urllib.parse.urlparse(cli["lcwRequestUrl"])
        query = dict(urllib.parse.parse_qsl(link.query))
        check(link.netloc == "lcw.app" and link.path == "/request" and query["issuer"] == base and query["auth_type"] == "bearer"
              and query["vc_request_url"].startswith(base + "/wallet/") and len(query["challenge"]) == 22,
              "the LCW request link: https://lcw.app/request?issuer=…&vc_request_url=…&challenge=…&auth_type=bearer")
        status, _, headers, _, page = http("GET", query["vc_request_url"], headers={"Accept": "text/html"})
        check(status == 200 and "portefeuille" in page, "a browser on the exchange URL gets a page that says what to do (fr)")

        print("3. Way in 1: the LCW request link", flush=True)
        lcw = Holder()
        vp = lcw.presentation(query["challenge"])
        refused("LCW: challenge not the offer's", http("POST", query["vc_request_url"], body=lcw.presentation("A" * 22)), 400, "challenge_mismatch", "type")
        altered = json.loads(json.dumps(vp))
        altered["id"] = "urn:uuid:6f1c9c9e-0000-4000-8000-000000000000"
        refused("LCW: presentation altered after signing", http("POST", query["vc_request_url"], body=altered), 400, "invalid_signature", "type")
        other = Holder()
        refused("LCW: key not the holder's DID", http("POST", query["vc_request_url"], body=lcw.presentation(query["challenge"], holder=other.did)), 400,
                "key_not_holder", "type")
        old = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0) - datetime.timedelta(hours=1)
        refused("LCW: proof an hour old", http("POST", query["vc_request_url"], body=lcw.presentation(query["challenge"], created=old)), 400, "stale_proof",
                "type")
        foreign = dict(vp, **{"@context": vp["@context"] + ["https://example.org/kalan-never-fetches.jsonld"]})
        refused("LCW: a context Kalan does not hold", http("POST", query["vc_request_url"], body=foreign), 400, "unknown_context_or_term", "type")
        refused("LCW: body not JSON", http("POST", query["vc_request_url"], raw=b"{not json"), 400, "malformed_presentation", "type")
        refused("LCW: body over 64 KB", http("POST", query["vc_request_url"], raw=b'{"x":"' + b"a" * 70000 + b'"}'), 413, "too_large")
        status, credential, _, elapsed, _ = http("POST", query["vc_request_url"], body=vp)
        ok, facts = verify_received(credential, lcw, serial, base) if status == 200 else (False, {})
        check(status == 200 and ok, f"LCW: the credential received verifies independently {facts}")
        log.append(("LCW request link", [f"GET (scan) {cli['lcwRequestUrl']}", f"POST {query['vc_request_url']}", short(vp, 2000),
                                         f"→ {status}", short(credential, 4000)]))
        refused("LCW: the same request again (offer used)", http("POST", query["vc_request_url"], body=vp), 410, "offer_used", "type")

        print("4. Way in 2: the VCALM interaction URL and the VC-API exchange", flush=True)
        cli = kalan.offer(serial)
        status, protocols, _, _, _ = http("GET", cli["interactionUrl"])
        check(status == 200 and set(protocols["protocols"]) == {"vcapi", "OID4VCI"} and protocols["protocols"]["OID4VCI"] == cli["credentialOfferUrl"],
              "GET interaction URL (Accept: application/json) names vcapi and OID4VCI")
        status, _, _, _, page = http("GET", cli["interactionUrl"] + "&lang=en", headers={"Accept": "text/html"})
        check(status == 200 and "wallet" in page, "a browser on the interaction URL gets a page that says what to do (en)")
        exchange = protocols["protocols"]["vcapi"]
        status, vpr, _, _, _ = http("POST", exchange, body={})
        request = vpr["verifiablePresentationRequest"]
        check(status == 200 and request["query"] == [{"type": "DIDAuthentication", "acceptedMethods": [{"method": "key"}]}] and request["domain"] == base,
              "POST {} answers the DID authentication request with challenge and domain")
        vcapi = Holder()
        refused("VC-API: domain not the offer's", http("POST", exchange, body={"verifiablePresentation": vcapi.presentation(
            request["challenge"], domain="https://evil.example", suite="eddsa-rdfc-2022")}), 400, "domain_mismatch", "type")
        good = vcapi.presentation(request["challenge"], domain=request["domain"], suite="eddsa-rdfc-2022")
        status, answer, _, _, _ = http("POST", exchange, body={"verifiablePresentation": good})
        wrapped = answer.get("verifiablePresentation", {}) if answer else {}
        credential = (wrapped.get("verifiableCredential") or [None])[0]
        ok, facts = verify_received(credential, vcapi, serial, base) if credential else (False, {})
        check(status == 200 and wrapped.get("type") == ["VerifiablePresentation"] and ok,
              f"VC-API: a DataIntegrityProof presentation gets the credential in a presentation {facts}")
        log.append(("VCALM interaction URL / VC-API", [f"GET {cli['interactionUrl']} (Accept: application/json)", short(protocols),
                                                       f"POST {exchange} {{}}", short(vpr), f"POST {exchange}", short({"verifiablePresentation": good}, 2000),
                                                       f"→ {status}", short(answer, 600)]))

        print("5. Way in 3: OpenID4VCI 1.0 pre-authorized code", flush=True)
        cli = kalan.offer(serial)
        offer_uri = urllib.parse.parse_qs(urllib.parse.urlparse(cli["credentialOfferUrl"]).query)["credential_offer_uri"][0]
        check(cli["credentialOfferUrl"].startswith("openid-credential-offer://?credential_offer_uri="), "credentialOfferUrl is openid-credential-offer://")
        status, credential_offer, _, _, _ = http("GET", offer_uri)
        grant = credential_offer["grants"]["urn:ietf:params:oauth:grant-type:pre-authorized_code"]
        check(status == 200 and credential_offer["credential_issuer"] == base and grant["tx_code"]["input_mode"] == "numeric"
              and grant["tx_code"]["length"] == 6 and grant["tx_code"]["description"], "the credential offer names the issuer, the configuration, the grant")
        _, metadata, _, _, _ = http("GET", base + "/.well-known/openid-credential-issuer")
        configuration_id = credential_offer["credential_configuration_ids"][0]
        configuration = metadata["credential_configurations_supported"][configuration_id]
        check(configuration["format"] == "ldp_vc" and configuration["cryptographic_binding_methods_supported"] == ["did:key"]
              and configuration["proof_types_supported"]["jwt"]["proof_signing_alg_values_supported"] == ["EdDSA"], "issuer metadata: ldp_vc, did:key, EdDSA")
        _, oauth, _, _, _ = http("GET", base + "/.well-known/oauth-authorization-server")
        check(oauth["pre-authorized_grant_anonymous_access_supported"] is True, "authorization server metadata: anonymous pre-authorized grant")
        token_url = oauth["token_endpoint"]
        code = grant["pre-authorized_code"]
        refused("token: no grant_type", http("POST", token_url, form={"pre-authorized_code": code}), 400, "invalid_request")
        refused("token: wrong transaction code", http("POST", token_url, form={"grant_type": "urn:ietf:params:oauth:grant-type:pre-authorized_code",
                                                                               "pre-authorized_code": code, "tx_code": "000000" if cli["txCode"] != "000000" else "111111"}),
                400, "invalid_grant")
        form = {"grant_type": "urn:ietf:params:oauth:grant-type:pre-authorized_code", "pre-authorized_code": code, "tx_code": cli["txCode"]}
        status, tokens, headers, _, _ = http("POST", token_url, form=form)
        check(status == 200 and tokens["token_type"] == "Bearer" and headers.get("Cache-Control") == "no-store", "token: the access token, no-store")
        refused("token: the pre-authorized code again", http("POST", token_url, form=form), 400, "invalid_grant")
        bearer = {"Authorization": f"Bearer {tokens['access_token']}"}
        credential_url = metadata["credential_endpoint"]
        oid = Holder()
        nonce = lambda: http("POST", metadata["nonce_endpoint"])[1]["c_nonce"]

        def ask(proofs=None, configuration=configuration_id, raw=None):
            if raw is not None:
                return http("POST", credential_url, raw=raw, headers=bearer)
            body = {"credential_configuration_id": configuration}
            if proofs is not None:
                body["proofs"] = {"jwt": proofs}
            return http("POST", credential_url, body=body, headers=bearer)

        refused("credential: no proof", ask(), 400, "invalid_proof")
        refused("credential: unknown configuration", ask([oid.proof_jwt(base, nonce())], configuration="Nope"), 400, "unknown_credential_configuration")
        refused("credential: body not JSON", ask(raw=b"proofs=1"), 400, "invalid_credential_request")
        refused("credential: body over 64 KB", ask(raw=b'{"x":"' + b"a" * 70000 + b'"}'), 413, "invalid_request")
        refused("credential: aud another issuer", ask([oid.proof_jwt("https://other.example", nonce())]), 400, "invalid_proof")
        refused("credential: iat an hour old", ask([oid.proof_jwt(base, nonce(), iat=time.time() - 3600)]), 400, "invalid_proof")
        refused("credential: alg none", ask([oid.proof_jwt(base, nonce(), alg="none")]), 400, "invalid_proof")
        refused("credential: wrong typ", ask([oid.proof_jwt(base, nonce(), typ="JWT")]), 400, "invalid_proof")
        refused("credential: signed by another key than its kid", ask([oid.proof_jwt(base, nonce(), signer=Holder())]), 400, "invalid_proof")
        refused("credential: unknown nonce", ask([oid.proof_jwt(base, "B" * 22)]), 400, "invalid_nonce")
        spent = nonce()
        refused("credential: a second proof invalid (its first spends a nonce)", ask([oid.proof_jwt(base, spent), oid.proof_jwt(base, nonce(), typ="JWT")]),
                400, "invalid_proof")
        refused("credential: a nonce used before", ask([oid.proof_jwt(base, spent)]), 400, "invalid_nonce")
        used = nonce()
        jwt = oid.proof_jwt(base, used)
        status, answer, _, _, _ = ask([jwt])
        credential = (answer.get("credentials") or [{}])[0].get("credential") if answer else None
        ok, facts = verify_received(credential, oid, serial, base) if credential else (False, {})
        check(status == 200 and ok, f"OpenID4VCI 1.0: the credential received verifies independently {facts}")
        log.append(("OpenID4VCI 1.0 pre-authorized code", [f"scan {cli['credentialOfferUrl']}", f"GET {offer_uri}", short(credential_offer),
                                                          f"POST {token_url} {urllib.parse.urlencode(form)}", short(tokens),
                                                          f"POST {metadata['nonce_endpoint']} → c_nonce", f"POST {credential_url} Authorization: Bearer …",
                                                          short({"credential_configuration_id": configuration_id, "proofs": {"jwt": [jwt]}}, 1200),
                                                          f"→ {status}", short(answer, 600)]))
        refused("credential: after the copy went out (offer used)", ask([oid.proof_jwt(base, nonce())]), 401, "invalid_token")

        print("6. OpenID4VCI draft 13 (Inji, walt.id)", flush=True)
        cli = kalan.offer(serial)
        code = cli["credentialOfferUrl"]
        offer13 = http("GET", urllib.parse.parse_qs(urllib.parse.urlparse(code).query)["credential_offer_uri"][0])[1]
        code = offer13["grants"]["urn:ietf:params:oauth:grant-type:pre-authorized_code"]["pre-authorized_code"]
        status, tokens, _, _, _ = http("POST", token_url, form={"grant_type": "urn:ietf:params:oauth:grant-type:pre-authorized_code",
                                                               "pre-authorized_code": code, "tx_code": cli["txCode"]})
        check(status == 200 and tokens.get("c_nonce"), "token response carries c_nonce (draft 13)")
        bearer = {"Authorization": f"Bearer {tokens['access_token']}"}
        d13 = Holder()
        body13 = {"format": "ldp_vc", "credential_definition": {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential",
                                                                                                                              "OpenBadgeCredential"]},
                  "proof": {"proof_type": "jwt", "jwt": d13.proof_jwt(base, tokens["c_nonce"])}}
        status, answer, _, _, _ = http("POST", credential_url, body=body13, headers=bearer)
        ok, facts = verify_received(answer.get("credential"), d13, serial, base) if status == 200 else (False, {})
        check(status == 200 and ok and answer.get("c_nonce"), f"draft 13: {{credential, c_nonce}} verifies independently {facts}")

        print("7. The offer page on a phone (390 px), its QR codes read back with zbarimg", flush=True)
        browser_check(base, serial, root)

        print("8. Expiry, burning, floods, revocation", flush=True)
        cli = kalan.offer(serial)
        kalan.psql(f"UPDATE wallet_offer SET created_at = now() - interval '2 hours', expires_at = now() - interval '1 hour' WHERE id = '{cli['offerId']}'")
        link = dict(urllib.parse.parse_qsl(urllib.parse.urlparse(cli["lcwRequestUrl"]).query))
        refused("LCW: an expired offer", http("POST", link["vc_request_url"], body=Holder().presentation(link["challenge"])), 410, "offer_expired", "type")
        cli = kalan.offer(serial)
        code = http("GET", urllib.parse.parse_qs(urllib.parse.urlparse(cli["credentialOfferUrl"]).query)["credential_offer_uri"][0])[1]
        code = code["grants"]["urn:ietf:params:oauth:grant-type:pre-authorized_code"]["pre-authorized_code"]
        wrong = "000000" if cli["txCode"] != "000000" else "111111"
        for _ in range(4):
            http("POST", token_url, form={"grant_type": "urn:ietf:params:oauth:grant-type:pre-authorized_code", "pre-authorized_code": code, "tx_code": wrong})
        refused("token: no transaction code (the fifth failure)", http("POST", token_url, form={
            "grant_type": "urn:ietf:params:oauth:grant-type:pre-authorized_code", "pre-authorized_code": code}), 400, "invalid_grant")
        refused("token: the right code after five wrong ones (burnt)", http("POST", token_url, form={
            "grant_type": "urn:ietf:params:oauth:grant-type:pre-authorized_code", "pre-authorized_code": code, "tx_code": cli["txCode"]}), 400, "invalid_grant")
        check(kalan.psql(f"SELECT status || '/' || tx_failures FROM wallet_offer WHERE id = '{cli['offerId']}'") == "burnt/5",
              "the offer burnt after 5 wrong codes, and the record says why (burnt/5)")
        copies = kalan.psql(f"SELECT count(*) FROM wallet_copy")
        check(copies == "4", f"nothing issued by any refusal: 4 copies for 4 ways completed ({copies})")
        kalan.run("certificate", "revoke", serial2, "--reason", "Erreur de saisie")
        status, body, _, _, _ = http("POST", f"{base}/api/v1/certificates/{serial2}/wallet-offers", body={}, headers=auth)
        check(status == 422, f"a revoked certificate gets no offer ({status} {short(body, 300)})")
        codes = [http("POST", f"{base}/api/v1/certificates/{serial}/wallet-offers", body={}, headers=auth)[0] for _ in range(30)]
        check(429 in codes and codes.count(201) + 2 == WALLET_OFFERS_PER_HOUR,
              f"a flood of offers is rate-limited per account (429 after {codes.index(429) if 429 in codes else '-'} more)")
        kalan.run("certificate", "revoke", serial, "--reason", "Attestation retirée")
        status_list = http("GET", credential["credentialStatus"]["statusListCredential"])[1]
        bits = gzip.decompress(base64.urlsafe_b64decode(status_list["credentialSubject"]["encodedList"][1:] + "=="))
        index = int(credential["credentialStatus"]["statusListIndex"])
        check((bits[index // 8] >> (7 - index % 8)) & 1 == 1, "revoking the certificate revokes every wallet copy (one status entry)")
        audit = kalan.psql(f"SELECT count(*) FROM audit_event WHERE action = 'certificate.wallet_copy' AND entity_id = '{serial}'")
        check(audit == "4", f"the audit log holds each copy received in a wallet ({audit})")
        slowest = max(TIMINGS) if TIMINGS else 0
        print(f"  refusals: {len(TIMINGS)}, slowest {slowest * 1000:.0f} ms", flush=True)
        if options.transcript:
            with open(options.transcript, "w") as out:
                out.write(f"Kalan wallet test transcript, {datetime.datetime.now(datetime.timezone.utc).isoformat()}; DID {did}\n")
                for title, lines in log:
                    transcript(out, title, lines)
    finally:
        if server:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
        pg = os.path.join(root, "postgres")
        if os.path.exists(os.path.join(pg, "postmaster.pid")):
            bindir = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True).stdout.strip()
            cmd = [os.path.join(bindir, "pg_ctl"), "-D", pg, "-m", "fast", "stop"]
            if os.geteuid() == 0:
                cmd = ["runuser", "-u", "postgres", "--"] + cmd
            subprocess.run(cmd, capture_output=True, stdin=subprocess.DEVNULL)
        if not FAILURES:
            shutil.rmtree(root, ignore_errors=True)
        else:
            print(f"  kept {root} for a look", flush=True)
    print(f"wallet: {len(FAILURES)} failure(s), {time.monotonic() - started:.0f} s", flush=True)
    sys.exit(1 if FAILURES else 0)


if __name__ == "__main__":
    main()
