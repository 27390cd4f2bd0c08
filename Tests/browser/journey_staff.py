"""The staff member's own door (issue 26), registered in browser_test.py's CHECKS. These checks run on a
Kalan of their own (the demo data, notices sent every second to a test SMTP server, aiosmtpd, in this
process), started by the first of them and stopped by the run's end:

s1. A staff member of a completed session signs in on a 390×844 phone, in French, with the one-time code
    read from the test SMTP server; "Mes formations" lists the session; a wrong code is refused.
s2. HR opens a later session to applications (1366 px, English); the staff member applies on the phone;
    HR sees the application and accepts it; the staff member's page says so.
s3. The staff member gives their opinion on the completed session; HR's evaluation page shows no figure
    for fewer than 3 answers; two more participants answer (each signs in by code); the figures show.

Screenshots of every new page at both sizes go to the run's folder and to /work/notes/screens-staff/
(or $KALAN_STAFF_SHOTS).
"""

import atexit
import email
import email.policy
import os
import re
import shutil
import threading
import time

from selenium.webdriver.common.by import By

from browser import Browser
from kalan_server import Kalan, free_port

SHOTS = os.environ.get("KALAN_STAFF_SHOTS") or "/work/notes/screens-staff"
STAFF_NUMBER = re.compile(r"\b[A-Z]{2,5}-\d{4}-\d{3,6}\b")
DONE_SESSION = "S-5G-2026-01"  # completed in the demo data
CALL_SESSION = "S-TV-2027-01"  # planned, first day 2027-03-08


class JourneyFailed(AssertionError):
    pass


def require(condition, message):
    if not condition:
        raise JourneyFailed(message)


class Mailbox:
    """aiosmtpd on a free port, keeping every message received."""

    def __init__(self):
        from aiosmtpd.controller import Controller
        self.messages = []
        self.lock = threading.Lock()
        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append((list(envelope.rcpt_tos), message))
        return "250 OK"

    def code_for(self, address, after=0, timeout=30):
        """The sign-in code of the newest message to `address` among those after the first `after`."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                found = [m for rcpt, m in self.messages[after:] if address.lower() in [r.lower() for r in rcpt]]
            for message in reversed(found):
                subject = str(message["subject"] or "")
                match = re.search(r"\b(\d{6})\b", subject)
                if match and ("code" in subject.lower()):
                    return match.group(1)
            time.sleep(0.2)
        raise JourneyFailed(f"no sign-in code reached {address} within {timeout} s")

    def count(self):
        with self.lock:
            return len(self.messages)

    def stop(self):
        self.controller.stop()


class StaffKalan(Kalan):
    """The demo Kalan, with notices going to the mailbox every second."""

    def __init__(self, *args, smtp_port, **kwargs):
        super().__init__(*args, **kwargs)
        self.smtp_port = smtp_port

    def env(self):
        env = super().env()
        env.update(KALAN_SMTP_URL=f"smtp://127.0.0.1:{self.smtp_port}?from=drh@mcenma.gouv.ml&name=DRH%20MCENMA", KALAN_NOTICE_INTERVAL="1",
                   KALAN_ALLOW_LOOPBACK_URL="1")
        return env


class Door:
    """What the staff checks share: their Kalan, the mailbox, the people found."""

    def __init__(self, run):
        self.mailbox = Mailbox()
        self.kalan = StaffKalan(run.kalan.binary, run.kalan.repo_root, smtp_port=self.mailbox.port, log=run.log)
        self.kalan.artifacts = None
        self.kalan.start()
        self.people = []  # (staff number, e-mail) of the completed session
        atexit.register(self.stop)

    def stop(self):
        try:
            self.kalan.stop()
        finally:
            self.mailbox.stop()


_door = None
_starting = None


def prepare(run, wanted):
    """Called by the harness before its own Kalan starts: when a staff check is wanted, this Kalan
    starts beside it (its demo seed takes as long as the run's own)."""
    global _starting
    if not any(letter.startswith("s") and letter[1:].isdigit() for letter in wanted):
        return
    result = {}

    def start():
        try:
            result["door"] = Door(run)
        except Exception as e:  # said by the first check
            result["error"] = e
    _starting = (threading.Thread(target=start, daemon=True), result)
    _starting[0].start()


def door(run):
    global _door
    if _door is None:
        if _starting:
            _starting[0].join()
            if "error" in _starting[1]:
                raise JourneyFailed(f"the staff checks' Kalan did not start: {_starting[1]['error']}")
            _door = _starting[1]["door"]
        else:
            _door = Door(run)  # stopped at the run's end (atexit)
    return _door


def shoot(run, b, name):
    path = run.shoot(b, name)
    os.makedirs(SHOTS, exist_ok=True)
    shutil.copy(path, SHOTS)
    return path


def browser(run, d, name, size):
    b = Browser(d.kalan.url, name)
    run.browsers.append(b)
    b.set_size(size)
    return b


def hr(run, d, name, size="desktop"):
    b = browser(run, d, name, size)
    b.login("drh", d.kalan.accounts["drh"], "en")
    return b


def people_of(run, d):
    """Staff numbers and e-mails of the completed session's participants (from HR's pages)."""
    if d.people:
        return d.people
    b = hr(run, d, "s-hr-roster")
    page = b.open(f"/sessions/{DONE_SESSION}", "en")
    numbers = []
    for row in b.driver.find_elements(By.CSS_SELECTOR, "tr"):
        text = row.text
        found = STAFF_NUMBER.search(text)
        if found and ("completed" in text or "failed" in text) and found.group(0) not in numbers:
            numbers.append(found.group(0))
    require(len(numbers) >= 3, f"{DONE_SESSION}'s roster shows {len(numbers)} participants with a result")
    for number in numbers[:10]:
        b.open(f"/trainees/{number}", "en")
        mail = re.search(r"[\w.+-]+@[\w-]+\.[\w.-]+", b.driver.find_element(By.TAG_NAME, "main").text)
        if mail:
            d.people.append((number, mail.group(0)))
    require(len(d.people) >= 6, f"fewer than 6 participants of {DONE_SESSION} have an e-mail: {d.people}")
    return d.people


def sign_in(run, d, b, number, address, lang, shots=None):
    page = b.open("/me/sign-in", lang)
    if shots:
        shoot(run, b, f"{shots}-sign-in")
    before = d.mailbox.count()
    form = b.form_with_field("identifier")
    form.find_element(By.NAME, "identifier").send_keys(number)
    page = b.submit(form)
    require(page.status == 200, f"asking for a code: HTTP {page.status}")
    if shots:
        shoot(run, b, f"{shots}-code")
    code = d.mailbox.code_for(address, after=before)
    form = b.form_with_field("code")
    form.find_element(By.NAME, "code").send_keys(code)
    page = b.submit(form)
    require(page.status == 200 and "/me" in b.driver.current_url, f"signing in with the code: HTTP {page.status} at {b.driver.current_url}")
    return page


def check_s1_sign_in_by_code(run):
    started = time.monotonic()
    d = door(run)
    number, address = people_of(run, d)[0]
    b = browser(run, d, "s1-phone", "mobile")
    # A wrong code first: refused, and the field says so.
    b.open("/me/sign-in", "fr")
    form = b.form_with_field("identifier")
    form.find_element(By.NAME, "identifier").send_keys(number)
    b.submit(form)
    d.mailbox.code_for(address)
    form = b.form_with_field("code")
    form.find_element(By.NAME, "code").send_keys("12345")
    page = b.submit(form)
    require(page.status == 422 and "6 chiffres" in page.text, f"a 5-digit code: HTTP {page.status}: {page.text[:200]!r}")
    shoot(run, b, "s1-code-refused-mobile")
    page = sign_in(run, d, b, number, address, "fr", shots="s1-mobile")
    require("Mes formations" in page.text and DONE_SESSION in page.text, f"'Mes formations' does not list {DONE_SESSION}: {page.text[:300]!r}")
    require(b.inner_width() <= 390, f"the page is {b.inner_width()} px wide on a 390 px phone")
    shoot(run, b, "s1-my-trainings-mobile")
    wide = browser(run, d, "s1-desktop", "desktop")
    sign_in(run, d, wide, number, address, "en", shots="s1-desktop")
    shoot(run, wide, "s1-my-trainings-desktop")
    return f"{number} signed in with the code e-mailed to {address} ({time.monotonic() - started:.1f} s, Kalan start included)"


def check_s2_apply(run):
    d = door(run)
    number, address = people_of(run, d)[1]  # s1's person has asked for 3 codes: the limit per 15 minutes
    h = hr(run, d, "s2-hr")
    h.open(f"/sessions/{CALL_SESSION}/applications", "en")
    form = h.form_with_field("closes_on")
    h.driver.execute_script("arguments[0].value = '2027-02-01'", form.find_element(By.NAME, "closes_on"))
    page = h.submit(form)
    require(page.status == 200 and "Open until" in page.text, f"opening the call: HTTP {page.status}: {page.text[:300]!r}")
    b = browser(run, d, "s2-phone", "mobile")
    sign_in(run, d, b, number, address, "fr")
    page = b.open("/me/calls", "fr")
    shoot(run, b, "s2-calls-mobile")
    require(CALL_SESSION in page.text, f"the call {CALL_SESSION} is not offered: {page.text[:300]!r}")
    form = b.form_with_field("motivation")
    form.find_element(By.NAME, "motivation").send_keys("Je produis les journaux télévisés de l'ORTM à Tombouctou.")
    page = b.submit(form)
    require(page.status == 200 and "Candidature envoyée" in page.text, f"applying: HTTP {page.status}: {page.text[:300]!r}")
    shoot(run, b, "s2-applied-mobile")
    page = h.open(f"/sessions/{CALL_SESSION}/applications", "en")
    require(number in page.text and "Tombouctou" in page.text, "HR does not see the application")
    shoot(run, h, "s2-hr-applications-desktop")
    row = h.driver.find_element(By.ID, f"application-{number}")
    page = h.submit(row.find_element(By.TAG_NAME, "form"), row.find_element(By.CSS_SELECTOR, "button[value=accept]"))
    require(page.status == 200 and "Application accepted" in page.text, f"accepting: HTTP {page.status}: {page.text[:300]!r}")
    h.set_size("mobile")
    h.open(f"/sessions/{CALL_SESSION}/applications", "en")
    shoot(run, h, "s2-hr-applications-mobile")
    page = b.open("/me/calls", "fr")
    require("Candidature retenue" in page.text, "the staff member's page does not say the application was accepted")
    page = b.open("/me", "fr")
    require(CALL_SESSION in page.text, "the accepted call's session is not among 'Mes formations'")
    wide = browser(run, d, "s2-desktop", "desktop")
    sign_in(run, d, wide, number, address, "en")
    wide.open("/me/calls", "en")
    shoot(run, wide, "s2-calls-desktop")
    return f"HR opened {CALL_SESSION} to applications; {number} applied on a phone; HR accepted"


def evaluate(run, d, b, marks, comment, shots=None):
    page = b.open(f"/me/trainings/{DONE_SESSION}/evaluation", b.lang)
    require(page.status == 200 and "evaluation" in b.driver.current_url, f"the evaluation form: HTTP {page.status} at {b.driver.current_url}")
    if shots:
        shoot(run, b, shots)
    form = b.form_with_field("content")
    for name, value in zip(["content", "trainer", "organisation", "usefulness"], marks):
        radio = form.find_element(By.CSS_SELECTOR, f"input[name={name}][value='{value}']")
        b.driver.execute_script("arguments[0].click()", radio)
    if comment:
        form.find_element(By.NAME, "comment").send_keys(comment)
    return b.submit(form)


def check_s3_evaluate_and_threshold(run):
    d = door(run)
    people = people_of(run, d)
    h = hr(run, d, "s3-hr")
    answered = 0
    for i, (number, address) in enumerate(people[2:]):
        if answered == 3:
            break
        size = "mobile" if i % 2 == 0 else "desktop"
        b = browser(run, d, f"s3-person-{i}", size)
        b.lang = "fr" if i % 2 == 0 else "en"
        sign_in(run, d, b, number, address, b.lang)
        page = b.open("/me", b.lang)
        if f"/me/trainings/{DONE_SESSION}/evaluation" not in page.html:
            continue  # withdrawn from it, or answered in an earlier run of this check
        page = evaluate(run, d, b, [4, 5, 3, 5] if answered != 1 else [2, 4, 4, 3], ["Très utile pour mon poste", "", "Bien organisé"][answered],
                        shots=f"s3-evaluation-{size}" if answered < 2 else None)
        require(page.status == 200 and ("enregistré" in page.text or "recorded" in page.text), f"the answer was not kept: {page.text[:300]!r}")
        answered += 1
        if answered == 1:
            shoot(run, b, f"s3-answered-{size}")
            again = b.open(f"/me/trainings/{DONE_SESSION}/evaluation", b.lang)
            require("/evaluation" not in b.driver.current_url, "the form opens again after the answer")
        if answered < 3:
            page = h.open("/statistics/evaluations?by=session", "en")
            require("fewer than 3 answers: not shown" in page.text, f"with {answered} answer(s) the page shows figures: {page.text[:400]!r}")
            require("Très utile" not in page.text, "a comment shows under 3 answers")
            if answered == 1:
                shoot(run, h, "s3-under-threshold-desktop")
    require(answered == 3, f"only {answered} participants could answer")
    page = h.open("/statistics/evaluations?by=session", "en")
    require("Très utile" in page.text and "fewer than 3 answers" not in page.text.split(DONE_SESSION)[1][:200],
            f"the figures do not show at 3 answers: {page.text[:400]!r}")
    shoot(run, h, "s3-evaluations-desktop")
    h.set_size("mobile")
    h.open("/statistics/evaluations?by=partner", "fr")
    shoot(run, h, "s3-evaluations-mobile")
    return f"3 anonymous answers on {DONE_SESSION}; nothing shown at 1 and 2, the means and comments at 3"


CHECKS = [
    ("s1", "a staff member signs in with a one-time code read from the test SMTP server (phone, French)", check_s1_sign_in_by_code),
    ("s2", "HR opens a call, a staff member applies on a phone, HR accepts", check_s2_apply),
    ("s3", "participants evaluate once; no figure under 3 answers, figures at 3", check_s3_evaluate_and_threshold),
]
