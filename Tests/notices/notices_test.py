"""Notices end to end, on real servers (issue 24): aiosmtpd with STARTTLS and AUTH as the ministry's
mail relay, Kannel (bearerbox, smsbox and the fake SMSC of kannel-extras) as the SMS gateway, a
`kalan serve` whose sender sends, and `kalan notices send` beside it as cron would run it.

1. Decisions (enrol, waitlist, withdraw with a reason, promotion, new dates) reach the staff member
   and the head of department: French words, the .ics parses (icalendar) with one UID per enrolment,
   SEQUENCE bumped on the date change, CANCEL on withdrawal; SMS text and alphabet (GSM or UCS-2).
2. Fault: the relay and the gateway stopped while decisions are made; the decisions all succeed;
   once the servers are back every notice arrives exactly once (none twice, none lost).

Run by scripts/notices-test.sh (make test). Writes samples to $NOTICES_SAMPLES when set."""

import argparse
import logging
import collections
import datetime
import email
import email.policy
import json
import os
import re
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
import icalendar

FAILURES = []
# aiosmtpd's own AUTH code logs a warning about its deprecated login_data at each login.
logging.getLogger("mail.log").setLevel(logging.ERROR)


def check(condition, message):
    print(("  ok    " if condition else "  FAIL  ") + message, flush=True)
    if not condition:
        FAILURES.append(message)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- The mail relay ---------------------------------------------------------------------------

class Mailbox:
    def __init__(self):
        self.messages = []  # (envelope from, recipients, bytes)
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content or envelope.content))
        return "250 OK"

    def parsed(self):
        with self.lock:
            return [(frm, to, email.message_from_bytes(raw, policy=email.policy.default), raw) for frm, to, raw in self.messages]


def authenticator(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and auth_data.login == b"kalan" and auth_data.password == b"s3cret"
    return AuthResult(success=ok)


class Relay:
    def __init__(self, port, cert, key, mailbox):
        self.port, self.mailbox = port, mailbox
        self.context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self.context.load_cert_chain(cert, key)
        self.controller = None

    def start(self):
        self.controller = Controller(
            self.mailbox, hostname="127.0.0.1", port=self.port, tls_context=self.context, require_starttls=True,
            authenticator=authenticator, auth_require_tls=True, server_hostname="localhost", ready_timeout=10)
        self.controller.start()

    def stop(self):
        if self.controller:
            self.controller.stop()
            self.controller = None


# --- The SMS gateway --------------------------------------------------------------------------

class Kannel:
    def __init__(self, root):
        self.root = root
        self.ports = [free_port() for _ in range(4)]  # admin, boxes, smsc, sendsms
        # The checked recipe's configuration (../shared/kannel/), with this run's folder and free ports.
        conf = open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "kannel-test.conf")).read().replace("KANNEL_DIR", root)
        for old, new in zip((13900, 13901, 13902, 13903), self.ports):
            conf = conf.replace(str(old), str(new))
        self.conf = os.path.join(root, "kannel.conf")
        open(self.conf, "w").write(conf)
        self.processes = []
        self.outputs = []

    @property
    def sendsms(self):
        return self.ports[3]

    def start(self):
        out = os.path.join(self.root, f"fake-{len(self.outputs)}.out")
        self.outputs.append(out)
        self.processes = [subprocess.Popen(["/usr/sbin/bearerbox", self.conf], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)]
        wait_port(self.ports[1])
        self.processes.append(subprocess.Popen(["/usr/sbin/smsbox", self.conf], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL))
        wait_port(self.ports[2])
        self.processes.append(subprocess.Popen(
            ["/usr/lib/kannel/test/fakesmsc", "-H", "127.0.0.1", "-r", str(self.ports[2]), "-i", "0.1", "-m", "0", "123 456 text nop"],
            stdout=open(out, "w"), stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL))
        wait_port(self.sendsms)

    def stop(self):
        for process in reversed(self.processes):
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        self.processes = []

    def received(self, since=0):
        """Every message the fake SMSC got (from the `since`-th start of Kannel on): (from, to,
        alphabet, text), in order; the parts of a concatenated message joined (by their UDH)."""
        messages = []
        pattern = re.compile(r"Got message \d+: <(\S+) (\S+) (.*)>$")
        for path in self.outputs[since:]:
            # Kannel numbers concatenated messages from 0 again at each start: parts are keyed per run.
            parts, order = collections.defaultdict(dict), []
            for line in open(path, encoding="utf-8", errors="replace"):
                m = pattern.search(line.rstrip("\n"))
                if not m:
                    continue
                sender, receiver, rest = m.groups()
                if rest.startswith("text "):
                    order.append((sender, receiver, "gsm", rest[5:]))
                elif rest.startswith("ucs-2 "):
                    order.append((sender, receiver, "ucs-2", form_bytes(rest[6:]).decode("utf-16-be")))
                elif rest.startswith("udh "):
                    udh_text, _, data = rest[4:].partition(" data ")
                    udh = form_bytes(udh_text)
                    key = (sender, receiver, udh[3])
                    if key not in parts:
                        order.append(key)
                    parts[key][udh[5]] = (udh[4], form_bytes(data))
            for item in order:
                if len(item) == 4:
                    messages.append(item)
                    continue
                got = parts[item]
                total = next(iter(got.values()))[0]
                if len(got) != total:
                    continue
                raw = b"".join(got[i][1] for i in sorted(got))
                ucs2 = raw[:1] == b"\x00"
                messages.append((item[0], item[1], f"{'ucs-2' if ucs2 else 'gsm'}, {total} parts",
                                 raw.decode("utf-16-be") if ucs2 else raw.decode("utf-8", "replace")))
        return messages


def form_bytes(text):
    """fakesmsc prints bytes form-encoded: %XX, and + for a space byte."""
    return urllib.parse.unquote_to_bytes(text.replace("+", "%20"))


def wait_port(port, timeout=20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listens on {port}")


# --- Kalan ------------------------------------------------------------------------------------

class Kalan:
    def __init__(self, binary, root, env):
        self.binary, self.root, self.env = binary, root, env

    def run(self, *args, check_rc=True):
        result = subprocess.run([self.binary, *args, "--log-level", "warning"], capture_output=True, text=True, env=self.env,
                                stdin=subprocess.DEVNULL, timeout=120)
        if check_rc and result.returncode != 0:
            raise RuntimeError(f"kalan {' '.join(args)}: {result.returncode} {result.stdout} {result.stderr}")
        return result

    def notices(self, **filters):
        args = ["notices", "list", "--format", "json", "--limit", "5000"]
        for name, value in filters.items():
            args += [f"--{name}", value]
        return json.loads(self.run(*args).stdout)

    def psql(self, sql):
        bindir = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True).stdout.strip()
        url = f"postgresql:///kalan?host={os.path.join(self.root, 'postgres')}&port=5432&user=postgres"
        subprocess.run([os.path.join(bindir, "psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url, "-c", sql], check=True,
                       capture_output=True, stdin=subprocess.DEVNULL)


def wait_until_sent(kalan, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        waiting = [n for n in kalan.notices() if n["status"] in ("pending", "sending")]
        if not waiting:
            return True
        time.sleep(1)
    return False


def message_id(message):
    m = re.match(r"<notice-(\d+)@", message["Message-ID"] or "")
    return int(m.group(1)) if m else None


def text_of(message):
    return message.get_body(preferencelist=("plain",)).get_content()


def calendar_of(message):
    for part in message.iter_attachments():
        if part.get_content_type() == "text/calendar":
            return icalendar.Calendar.from_ical(part.get_payload(decode=True))
    return None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--kalan", required=True)
    options = parser.parse_args()
    started = time.monotonic()
    root = tempfile.mkdtemp(prefix="kalan-notices-")
    os.chmod(root, 0o755)
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{root}/key.pem", "-out", f"{root}/cert.pem",
                    "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
                   check=True, capture_output=True, stdin=subprocess.DEVNULL)
    mailbox = Mailbox()
    relay = Relay(free_port(), f"{root}/cert.pem", f"{root}/key.pem", mailbox)
    kannel = Kannel(root)
    http_port = free_port()
    env = dict(os.environ, KALAN_DATA_DIR=root, KALAN_LANG="fr", KALAN_ALLOW_LOOPBACK_URL="1", KALAN_NOTICE_INTERVAL="1", KALAN_NOTICE_RETRY="1",
               KALAN_CONVOCATION_SIGNATORY="Mamadou Konaté, Directeur des ressources humaines",
               KALAN_SMTP_URL=f"smtp://kalan:s3cret@localhost:{relay.port}?starttls=true&from=drh@mcenma.gouv.ml&name=DRH%20MCENMA&ca={root}/cert.pem",
               KALAN_SMS_URL=f"http://127.0.0.1:{kannel.sendsms}/cgi-bin/sendsms?username=kalan&password=kalanpw&from=MCENMA")
    kalan = Kalan(options.kalan, root, env)
    server = None
    cron_stop = threading.Event()
    try:
        relay.start()
        kannel.start()
        today = datetime.date.today()
        day = lambda n: (today + datetime.timedelta(days=n)).isoformat()
        kalan.run("department", "add", "DNT", "--name-fr", "Direction nationale des télécommunications", "--name-en", "National telecoms directorate")
        kalan.run("notices", "contact", "DNT", "--name", "Awa Diarra", "--email", "awa.diarra@dnt.gouv.ml", "--phone", "+223 70 11 11 11")
        kalan.run("partner", "add", "ITU-IR", "--name", "Institut de télécommunications de Téhéran", "--kind", "university", "--country", "IR")
        kalan.run("course", "add", "RES-5G", "--title-fr", "Réseaux 5G", "--title-en", "5G networks", "--domain", "5g", "--hours", "40")
        for code, start, capacity in (("S-5G-01", 20, 2), ("S-5G-02", 40, 5), ("S-FLT-01", 60, 3)):
            kalan.run("session", "add", code, "--course", "RES-5G", "--partner", "ITU-IR", "--from", day(start), "--to", day(start + 4),
                      "--city", "Bamako", "--country", "ML", "--capacity", str(capacity), "--status", "open")
        staff = [
            ("T001", "Aïssata", "Maïga", "F", "aissata.maiga@mcenma.gouv.ml", "+223 76 00 00 01"),
            ("T002", "Ibrahim", "Touré", "M", "ibrahim.toure@mcenma.gouv.ml", None),
            ("T003", "Fatoumata", "N'Diaye", "F", None, "+223 76 00 00 03"),
            ("T004", "Moussa", "Ag Ilyène", "M", None, None),
            ("T005", "Oumar", "Keïta", "M", "oumar.keita@mcenma.gouv.ml", None),
            ("T006", "Mariam", "Coulibaly", "F", "mariam.coulibaly@mcenma.gouv.ml", "+223 76 00 00 06"),
        ] + [(f"F{n:03}", f"Agent{n}", "Sidibé", "F" if n % 2 else "M", f"agent{n}@mcenma.gouv.ml", f"+223 77 00 0{n // 10} {n % 10}0") for n in range(1, 9)]
        for number, given, family, sex, mail, phone in staff:
            args = ["trainee", "add", number, "--given-name", given, "--family-name", family, "--sex", sex, "--department", "DNT"]
            args += ["--email", mail] if mail else []
            args += ["--phone", phone] if phone else []
            kalan.run(*args)
        kalan.run("notices", "preferences", "T005", "--language", "en")
        kalan.run("notices", "preferences", "T006", "--off")

        server = subprocess.Popen([options.kalan, "serve", "--port", str(http_port), "--log-level", "warning"], env=env,
                                  stdout=open(f"{root}/serve.log", "w"), stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        wait_port(http_port, 60)

        print("1. Decisions reach the people named in them", flush=True)
        kalan.run("enrol", "--session", "S-5G-01", "T001", "T002")
        kalan.run("enrol", "--session", "S-5G-01", "T003", "T004", "T006")
        kalan.run("enrol", "--session", "S-5G-02", "T005")
        kalan.run("withdraw", "--session", "S-5G-01", "T002", "--reason", "Mission à l'étranger")
        time.sleep(2)
        kalan.psql(f"UPDATE training_session SET starts_on = '{day(21)}', ends_on = '{day(25)}' WHERE code = 'S-5G-01'")
        check(wait_until_sent(kalan, 60), "every notice of the decisions left the outbox within 60 s")
        notices = kalan.notices()
        by_status = collections.Counter(n["status"] for n in notices)
        print(f"        notices: {dict(by_status)}", flush=True)
        check(by_status.get("failed", 0) == 0, "no notice failed")
        check(not [n for n in notices if n["staffNumber"] == "T006" and n["recipient"] == "trainee"]
              and [n for n in notices if n["staffNumber"] == "T006" and n["recipient"] == "head"],
              "a person set to no notices gets none (T006); their head still gets the copy")
        unreachable = [n for n in notices if n["status"] == "unreachable"]
        check(unreachable and all(n["staffNumber"] == "T004" for n in unreachable), "the person with neither e-mail nor phone is listed unreachable (T004)")

        mails = mailbox.parsed()
        ids = collections.Counter(message_id(m) for _, _, m, _ in mails)
        sent_emails = {n["id"] for n in notices if n["channel"] == "email" and n["status"] == "sent"}
        check(set(ids) == sent_emails and all(c == 1 for c in ids.values()),
              f"the relay got each sent e-mail once ({len(mails)} messages, {len(sent_emails)} sent)")
        order = collections.defaultdict(list)
        for _, rcpt, m, _ in mails:
            order[rcpt[0]].append(message_id(m))
        check(all(ids_ == sorted(ids_) for ids_ in order.values()), "each recipient got their e-mails in the order of the decisions")
        def mail(to, kind_words):
            return [m for frm, rcpt, m, raw in mails if to in rcpt and kind_words in m["Subject"]]
        enrolled = mail("aissata.maiga@mcenma.gouv.ml", "Place confirmée")
        check(len(enrolled) == 1, "Aïssata Maïga got 'Place confirmée : Réseaux 5G'")
        sample_mail = None
        sample_letter = ""
        if enrolled:
            m = enrolled[0]
            sample_mail = next(raw for frm, rcpt, mm, raw in mails if mm is m)
            body = text_of(m)
            check("Bonjour Aïssata Maïga," in body and "Votre place est confirmée" in body and "Bamako (Mali)" in body, "its text is French, accents intact")
            check(m["From"].addresses[0].addr_spec == "drh@mcenma.gouv.ml" and m["To"].addresses[0].display_name == "Aïssata Maïga",
                  "From and To with the encoded name")
            check(m.get_body(preferencelist=("html",)) is not None, "it has an HTML part")
            cal = calendar_of(m)
            check(cal is not None and str(cal.get("method")) == "REQUEST", "its .ics parses (icalendar) as METHOD:REQUEST")
            pdfs = [p for p in m.iter_attachments() if p.get_content_type() == "application/pdf"]
            check(len(pdfs) == 1 and pdfs[0].get_filename() == "convocation-S-5G-01.pdf", "the convocation is attached as a PDF")
            if pdfs:
                open(f"{root}/convocation.pdf", "wb").write(pdfs[0].get_payload(decode=True))
                letter = subprocess.run(["pdftotext", "-layout", f"{root}/convocation.pdf", "-"], capture_output=True, text=True).stdout
                check(all(w in letter for w in ("CONVOCATION", "RÉPUBLIQUE DU MALI", "Aïssata Maïga", "Réseaux 5G", "Institut de télécommunications de Téhéran",
                                                "Mamadou Konaté", "Directeur des ressources humaines")),
                      "the convocation opens (pdftotext): letterhead, person, course, partner, the signatory HR set")
                sample_letter = letter
            changed = mail("aissata.maiga@mcenma.gouv.ml", "Changement")
            check(len(changed) == 1, "the date change reached her")
            if cal is not None and changed:
                event = next(iter(cal.walk("VEVENT")))
                new = next(iter(calendar_of(changed[0]).walk("VEVENT")))
                check(str(event["UID"]) == str(new["UID"]) and int(new["SEQUENCE"]) == int(event["SEQUENCE"]) + 1,
                      f"the update keeps the UID and bumps SEQUENCE ({event['SEQUENCE']} → {new['SEQUENCE']})")
                check(event.decoded("DTSTART") == datetime.date.fromisoformat(day(20)) and new.decoded("DTSTART") == datetime.date.fromisoformat(day(21))
                      and new.decoded("DTEND") == datetime.date.fromisoformat(day(26)), "DTSTART/DTEND follow the session's days")
        withdrawn = mail("ibrahim.toure@mcenma.gouv.ml", "Retrait")
        earlier = mail("ibrahim.toure@mcenma.gouv.ml", "Place confirmée")
        check(len(withdrawn) == 1 and "Motif : Mission à l'étranger" in text_of(withdrawn[0]), "the withdrawal reached Ibrahim Touré with its reason")
        if withdrawn and earlier:
            cancel, request = calendar_of(withdrawn[0]), calendar_of(earlier[0])
            check(str(cancel.get("method")) == "CANCEL" and str(next(iter(cancel.walk("VEVENT")))["UID"]) == str(next(iter(request.walk("VEVENT")))["UID"]),
                  "its .ics is METHOD:CANCEL of the same UID")
        head = mail("awa.diarra@dnt.gouv.ml", "")
        check(len(head) >= 4 and all("Copie pour information" in text_of(m) for m in head), f"the head of department got copies ({len(head)})")
        english = mail("oumar.keita@mcenma.gouv.ml", "Seat confirmed: 5G networks")
        check(len(english) == 1, "a person set to English gets English")

        sms_sent = [n for n in notices if n["channel"] == "sms" and n["status"] == "sent"]
        deadline = time.monotonic() + 20
        while len(kannel.received()) < len(sms_sent) and time.monotonic() < deadline:
            time.sleep(0.5)
        received = kannel.received()
        check(len(received) == len(sms_sent), f"the fake SMSC got every SMS ({len(received)} of {len(sms_sent)})")
        to_t001 = [r for r in received if r[1] == "+22376000001"]
        gsm = [r for r in to_t001 if "place confirmée" in r[3]]
        check(len(gsm) == 1 and gsm[0][2] == "gsm" and gsm[0][0] == "MCENMA", "Aïssata's SMS 'place confirmée…' went in the GSM alphabet from MCENMA")
        waitlisted = [r for r in received if r[1] == "+22376000003" and "liste d'attente" in r[3]]
        check(len(waitlisted) == 1 and waitlisted[0][2].startswith("ucs-2") and "vous êtes n° 1" in waitlisted[0][3],
              f"Fatoumata's waitlist SMS ('vous êtes n° 1') went in UCS-2 ({waitlisted[0][2] if waitlisted else 'none'})")
        head_sms = [r for r in received if r[1] == "+22370111111"]
        check(head_sms and all(r[3].startswith("MCENMA, copie ") for r in head_sms), "the head's SMS copies name the person they are about")
        promoted = [r for r in received if r[1] == "+22376000003" and "une place s'est libérée" in r[3]]
        check(len(promoted) == 1, "her promotion reached her by SMS")
        sample_sms = (waitlisted or gsm or received[:1])

        print("2. Fault: the relay and the gateway stop while decisions are made", flush=True)
        before_mails, runs = len(mailbox.parsed()), len(kannel.outputs)
        relay.stop()
        kannel.stop()
        decided = 0
        for number in ("F001", "F002", "F003", "F004", "F005"):
            decided += kalan.run("enrol", "--session", "S-FLT-01", number, check_rc=False).returncode == 0
        decided += kalan.run("withdraw", "--session", "S-FLT-01", "F001", "--reason", "Malade", check_rc=False).returncode == 0
        decided += kalan.run("enrol", "--session", "S-FLT-01", "F006", "F007", "F008", check_rc=False).returncode == 0
        check(decided == 7, f"every decision succeeded with both servers down ({decided} of 7)")
        time.sleep(4)
        fault = kalan.notices(session="S-FLT-01")
        retried = [n for n in fault if n["attempts"] >= 1 and n["status"] == "pending" and n["error"]]
        print(f"        while down: {dict(collections.Counter((n['status'], n['attempts']) for n in fault))}; "
              f"errors: {sorted(set(n['error'][:60] for n in fault if n['error']))}", flush=True)
        check(len(retried) > 0, f"the senders tried and will try again ({len(retried)} notices waiting with an error)")
        # A second sender beside the server's, as cron runs it.
        def cron():
            while not cron_stop.is_set():
                kalan.run("notices", "send", check_rc=False)
                time.sleep(0.5)
        threading.Thread(target=cron, daemon=True).start()
        relay.start()
        kannel.start()
        check(wait_until_sent(kalan, 90), "once the servers are back, the outbox empties within 90 s")
        cron_stop.set()
        fault = kalan.notices(session="S-FLT-01")
        emails = {n["id"] for n in fault if n["channel"] == "email"}
        sms = [n for n in fault if n["channel"] == "sms"]
        deadline = time.monotonic() + 20
        while len(kannel.received(since=runs)) < len(sms) and time.monotonic() < deadline:
            time.sleep(0.5)
        mails = mailbox.parsed()[before_mails:]
        got = collections.Counter(message_id(m) for _, _, m, _ in mails)
        lost = emails - set(got)
        twice = [i for i, c in got.items() if c > 1]
        check(all(n["status"] == "sent" for n in fault), f"every notice of the fault is sent ({len(fault)})")
        order = collections.defaultdict(list)
        for _, rcpt, m, _ in mails:
            order[rcpt[0]].append(message_id(m))
        check(all(ids_ == sorted(ids_) for ids_ in order.values()), "after the outage too, each recipient got their e-mails in order")
        got_sms_all = kannel.received(since=runs)
        promoted_at = [i for i, r in enumerate(got_sms_all) if r[1] == "+22377000040" and "une place s'est libérée" in r[3]]
        waitlist_at = [i for i, r in enumerate(got_sms_all) if r[1] == "+22377000040" and "liste d'attente" in r[3]]
        check(promoted_at and waitlist_at and waitlist_at[0] < promoted_at[0], "Agent4's SMS: the waitlist place before the promotion")
        check(not lost and not twice and set(got) == emails, f"e-mails: {len(emails)} written, {sum(got.values())} received, {len(lost)} lost, {len(twice)} twice")
        got_sms = kannel.received(since=runs)
        pairs = collections.Counter((r[1], r[3]) for r in got_sms)
        check(len(got_sms) == len(sms) and all(c == 1 for c in pairs.values()),
              f"SMS: {len(sms)} written, {len(got_sms)} received, {max(0, len(sms) - len(got_sms))} lost, {sum(c - 1 for c in pairs.values())} twice")
        metrics = subprocess.run(["curl", "-s", f"http://127.0.0.1:{http_port}/metrics"], capture_output=True, text=True).stdout
        counted = {m.group(1): float(m.group(2)) for m in re.finditer(r'^(kalan_notices_(?:sent|retried)_total\{channel="email"\}) (\S+)$', metrics, re.M)}
        check(counted.get('kalan_notices_sent_total{channel="email"}', 0) > 0 and counted.get('kalan_notices_retried_total{channel="email"}', 0) > 0,
              f"/metrics counts the server's notices sent and retried ({counted})")
        attempts = max([n["attempts"] for n in fault] or [0])
        print(f"        fault figures: decisions 7/7, notices {len(fault)} (e-mail {len(emails)}, SMS {len(sms)}), most attempts for one notice {attempts}",
              flush=True)

        samples = os.environ.get("NOTICES_SAMPLES")
        if samples:
            with open(samples, "w", encoding="utf-8") as out:
                out.write("One e-mail as received by the test SMTP server (aiosmtpd), raw:\n\n")
                out.write(sample_mail.decode("utf-8", "replace") if sample_mail else "(none)\n")
                if sample_mail:
                    parsed = email.message_from_bytes(sample_mail, policy=email.policy.default)
                    out.write("\n--- decoded: Subject: " + str(parsed["Subject"]) + "\n--- text part:\n" + text_of(parsed))
                    out.write("--- invitation.ics:\n" + calendar_of(parsed).to_ical().decode())
                out.write("\nThe attached convocation (convocation-S-5G-01.pdf) as pdftotext reads it:\n" + sample_letter)
                out.write("\nSMS as received by Kannel's fake SMSC (sender, receiver, alphabet, text):\n")
                for r in sample_sms + gsm:
                    out.write(f"  {r}\n")
                out.write("\nThe fake SMSC's raw lines:\n")
                for path in kannel.outputs:
                    for line in open(path, encoding="utf-8", errors="replace"):
                        if "Got message" in line:
                            out.write("  " + line)
                out.write(f"\nFault test: decisions 7/7 succeeded with SMTP and Kannel stopped; notices {len(fault)} "
                          f"(e-mail {len(emails)}, SMS {len(sms)}); received e-mail {sum(got.values())}, SMS {len(got_sms)}; "
                          f"lost {len(lost)}, twice {len(twice)}; most attempts for one notice {attempts}\n")
    finally:
        cron_stop.set()
        if server:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
        relay.stop()
        kannel.stop()
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
    print(f"notices: {len(FAILURES)} failure(s), {time.monotonic() - started:.0f} s", flush=True)
    sys.exit(1 if FAILURES else 0)


if __name__ == "__main__":
    main()
