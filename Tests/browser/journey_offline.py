"""The training room without a network (issue 25), registered in browser_test.py's CHECKS:

o1. At 1366 px, in English: a trainer opens two days of their session's sheet (the service worker
    keeps them), the network goes off (DevTools network emulation on the page and on the service
    worker), they mark three people on the first day and one on the second; a reload still shows
    "3 not yet sent"; the browser is closed and reopened on the same profile: still there; meanwhile
    HR changes the second day's line on the server; the network returns: the first day's marks are
    saved by themselves, the second day's mark is refused and opening that day shows the differences.
o2. The same at 390 px, in French.
o3. Marks kept offline while the web session ends: back online, the sheet asks for the password;
    after signing in, the marks that waited are sent by themselves.

Screenshots go to the run's folder and to /work/notes/screens-offline/ (or $KALAN_OFFLINE_SHOTS).
"""

import json
import os
import shutil
import sys
import tempfile
import time
import urllib.request

from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from browser import Browser, find_executable, with_query

try:
    import websocket  # websocket-client: the service worker's own DevTools session
except ImportError:  # pragma: no cover - said by the check
    websocket = None

SHOTS = os.environ.get("KALAN_OFFLINE_SHOTS") or "/work/notes/screens-offline"
WORDS = {
    "en": {"pending": "{n} not yet sent", "saved": "Attendance recorded", "stale": "Someone changed this sheet", "offline": "No network"},
    "fr": {"pending": "{n} pas encore envoyée(s)", "saved": "Présences enregistrées", "stale": "Quelqu'un a modifié cette feuille", "offline": "Pas de réseau"},
}


def harness():
    return sys.modules.get("browser_test") or sys.modules["__main__"]


class ProfileBrowser(Browser):
    """A Browser on a profile folder of its own, so that closing and reopening keeps the device's
    storage (localStorage, the service worker and its caches, the session cookie)."""

    def __init__(self, base_url, name, profile):
        self.base_url = base_url.rstrip("/")
        self.name = name
        self.size = "desktop"
        self.account = "public"
        self.sw_socket = None
        options = webdriver.ChromeOptions()
        binary = find_executable("chromium", "chromium-browser", "google-chrome")
        if binary:
            options.binary_location = binary
        for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1366,768",
                    "--lang=fr-FR", "--no-first-run", "--disable-extensions", "--hide-scrollbars", f"--user-data-dir={profile}",
                    "--remote-allow-origins=*"):
            options.add_argument(arg)
        options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
        driver = find_executable("chromedriver")
        self.driver = webdriver.Chrome(options=options, service=Service(executable_path=driver) if driver else Service())
        self.driver.set_page_load_timeout(30)
        self.driver.set_script_timeout(30)
        self.set_size("desktop")

    # --- the network, on the page and on the service worker --------------------------------------

    def conditions(self, offline):
        return {"offline": offline, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1}

    def set_offline(self, offline):
        self.driver.execute_cdp_cmd("Network.enable", {})
        self.driver.execute_cdp_cmd("Network.emulateNetworkConditions", self.conditions(offline))
        if offline:
            self.worker_offline()
        elif self.sw_socket is not None:
            try:
                self.send(self.sw_socket, "Network.emulateNetworkConditions", self.conditions(False))
                self.sw_socket.close()
            except Exception:
                pass
            self.sw_socket = None

    def worker_offline(self):
        """The service worker has its own DevTools target: the same emulation there, held while offline."""
        if websocket is None:
            return False
        address = self.driver.capabilities.get("goog:chromeOptions", {}).get("debuggerAddress")
        if not address:
            return False
        with urllib.request.urlopen(f"http://{address}/json/list", timeout=5) as r:
            targets = json.load(r)
        workers = [t for t in targets if t.get("type") == "service_worker" and t.get("webSocketDebuggerUrl")]
        if not workers:
            return False
        self.sw_socket = websocket.create_connection(workers[0]["webSocketDebuggerUrl"], timeout=10)
        self.send(self.sw_socket, "Network.enable", {})
        self.send(self.sw_socket, "Network.emulateNetworkConditions", self.conditions(True))
        return True

    counter = 0

    def send(self, socket, method, params):
        ProfileBrowser.counter += 1
        socket.send(json.dumps({"id": ProfileBrowser.counter, "method": method, "params": params}))
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            answer = json.loads(socket.recv())
            if answer.get("id") == ProfileBrowser.counter:
                return answer
        return None

    def quit(self):
        if self.sw_socket is not None:
            try:
                self.sw_socket.close()
            except Exception:
                pass
            self.sw_socket = None
        super().quit()


def wait(driver, what, condition, seconds=20):
    try:
        WebDriverWait(driver, seconds, poll_frequency=0.2).until(lambda d: condition())
    except Exception:
        raise AssertionError(f"waited {seconds} s for {what}")


def status_text(b):
    return b.driver.execute_script("const s = document.getElementById('offline-status'); return s && !s.hidden ? s.innerText : ''") or ""


def kept_sheets(b):
    """The sheets the service worker keeps (their addresses)."""
    return b.driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "caches.open('kalan-pages-v1').then(c => c.keys()).then(k => done(k.map(r => r.url))).catch(() => done([]))")


def lines(b):
    """Enabled lines of the sheet: staff number -> (saved code, checked value, values)."""
    return b.driver.execute_script(
        "const out = {}; document.querySelectorAll('form#sheet tr[data-staff]').forEach(tr => {"
        " const radios = Array.from(tr.querySelectorAll('input[type=radio]'));"
        " if (!radios.length || radios[0].disabled) return;"
        " const c = radios.find(r => r.checked);"
        " out[tr.dataset.staff] = [tr.dataset.saved, c ? c.value : '', radios.map(r => r.value)] }); return out")


def mark(b, staff, value):
    radio = b.driver.find_element(By.CSS_SELECTOR, f"form#sheet input[name='m.{staff}'][value='{value}']")
    b.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", radio)
    b.driver.execute_script("arguments[0].click()", radio)


def shoot(run, b, name):
    os.makedirs(SHOTS, exist_ok=True)
    path = os.path.join(SHOTS, name + ".png")
    b.screenshot(path)
    run.shoot(b, "offline-" + name)
    return path


def journey(run, size, lang, tag):
    bt = harness()
    require = bt.require
    words = WORDS[lang]
    profile = tempfile.mkdtemp(prefix=f"kalan-offline-{tag}-")
    notes = []
    b = None
    try:
        # The sheet: a session the trainer trains, two of its days.
        finder = run.login(f"{tag}-finder", "formateur", lang)
        sheet = bt.trainer_sheet(run, finder)
        days = sheet.days()
        require(len(days) >= 4, f"{sheet.code}: fewer than four training days ({days})")
        day1, day2 = (days[0], days[1]) if tag == "o1" else (days[2], days[3])
        path1 = with_query(sheet.url, day=day1, lang=lang)
        path2 = with_query(sheet.url, day=day2, lang=lang)

        b = ProfileBrowser(run.kalan.url, f"{tag}-trainer", profile)
        b.set_size(size)
        b.login("formateur", run.kalan.accounts["formateur"], lang)
        b.open(path2)
        b.open(path1)
        b.driver.execute_async_script(
            "const done = arguments[arguments.length - 1]; navigator.serviceWorker.ready.then(() => done(true)).catch(() => done(false))")
        if not b.driver.execute_script("return !!navigator.serviceWorker.controller"):
            b.driver.refresh()
        wait(b.driver, "the service worker to control the page",
             lambda: b.driver.execute_script("return !!(navigator.serviceWorker && navigator.serviceWorker.controller)"), 30)
        wait(b.driver, "the service worker to keep both days' sheets",
             lambda: sum(1 for u in kept_sheets(b) if f"day={day1}" in u or f"day={day2}" in u) >= 2, 30)
        before = lines(b)
        chosen = [s for s, (saved, checked, values) in before.items() if "absent" in values and saved != "absent"][:3]
        require(len(chosen) == 3, f"{sheet.code} {day1}: fewer than three lines to mark absent ({before})")

        # The network goes away: three people marked on day 1, one on day 2.
        b.set_offline(True)
        worker = b.sw_socket is not None
        notes.append("service worker offline too" if worker else "service worker target not found: page offline only")
        for staff in chosen:
            mark(b, staff, "absent")
        text = status_text(b)
        require(words["pending"].format(n=3) in text, f"after three marks offline the sheet says {text!r}")
        require(words["offline"] in text, f"offline, the sheet does not say so: {text!r}")
        shoot(run, b, f"{tag}-1-three-marks-offline")
        b.driver.refresh()
        wait(b.driver, "the kept sheet after a reload", lambda: words["pending"].format(n=3) in status_text(b), 20)
        after = lines(b)
        require(all(after[s][1] == "absent" for s in chosen), f"after the reload the marks are not on the form: {[after.get(s) for s in chosen]}")
        shoot(run, b, f"{tag}-2-reloaded-offline")

        b.driver.get(b.url(path2))
        wait(b.driver, "day 2's kept sheet offline", lambda: b.driver.find_elements(By.CSS_SELECTOR, "form#sheet tr[data-staff]"), 20)
        second = lines(b)
        target = next((s for s, (saved, checked, values) in second.items() if "excused" in values and saved not in ("excused", "absent")), None)
        require(target, f"{sheet.code} {day2}: no line to mark excused")
        mark(b, target, "excused")
        require(words["pending"].format(n=1) in status_text(b), f"day 2 after one mark: {status_text(b)!r}")

        # The browser closes; the device keeps everything: reopen on the same profile, still offline.
        b.quit()
        b = ProfileBrowser(run.kalan.url, f"{tag}-trainer-again", profile)
        b.set_size(size)
        b.set_offline(True)
        b.driver.get(b.url(path1))
        wait(b.driver, "the sheet after the browser was reopened", lambda: words["pending"].format(n=3) in status_text(b), 30)
        # The worker starts with the first page: from now on it is offline too.
        if b.sw_socket is None and b.worker_offline():
            notes.append("service worker offline again after the restart")
        b.driver.refresh()
        wait(b.driver, "the kept sheet after the restart", lambda: words["pending"].format(n=3) in status_text(b), 30)
        shoot(run, b, f"{tag}-3-browser-reopened-offline")

        # Meanwhile, on the server, HR marks day 2's line absent.
        hr = run.login(f"{tag}-hr", "drh", lang)
        hr.open(path2)
        mark(hr, target, "absent")
        changed = hr.submit(hr.driver.find_element(By.ID, "sheet"))
        require(changed.status in (200, None) and words["saved"] in changed.text, f"HR's change of {target} on {day2} was not saved: {changed.text[:300]!r}")

        # The network returns: day 1 is sent by itself and saved; day 2 is refused.
        b.set_offline(False)
        wait(b.driver, "day 1's marks to be sent and saved", lambda: words["saved"] in (b.driver.execute_script("return document.body.innerText") or ""), 40)
        shoot(run, b, f"{tag}-4-back-online-saved")
        fresh = lines(b)
        require(all(fresh[s][0] == "absent" for s in chosen), f"{day1}: the server does not have the three marks: {[fresh.get(s) for s in chosen]}")
        require(words["pending"].format(n=3) not in status_text(b), f"after the save the sheet still says {status_text(b)!r}")
        other = status_text(b)

        # Day 2: opening it shows the differences; nothing of HR's was overwritten.
        b.driver.get(b.url(path2))
        wait(b.driver, "day 2's differences", lambda: b.driver.find_elements(By.ID, "differences"), 30)
        page = b.driver.execute_script("return document.body.innerText")
        require(words["stale"] in page and target in b.driver.find_element(By.ID, "differences").text,
                f"day 2 does not show the difference for {target}: {page[:400]!r}")
        hr.open(path2)
        saved2 = lines(hr).get(target, [None])[0]
        require(saved2 == "absent", f"{day2}: HR's mark for {target} became {saved2!r}")
        shoot(run, b, f"{tag}-5-differences-shown")
        width = b.inner_width()
        notes.append(f"{sheet.code} {day1}: {len(chosen)} marks kept offline, reloaded, browser reopened, saved on return; "
                     f"{day2}: {target} refused and shown ({other.strip()[:80]!r}); {width} px wide")
        return "; ".join(notes)
    finally:
        if b is not None:
            b.quit()
        shutil.rmtree(profile, ignore_errors=True)


def check_o3_expired_session(run):
    """o3. Marks kept offline while the web session ends: back online, the sheet asks for the
    password; after signing in, what waited is sent by itself."""
    bt = harness()
    require = bt.require
    profile = tempfile.mkdtemp(prefix="kalan-offline-o3-")
    b = None
    try:
        finder = run.login("o3-finder", "formateur", "en")
        sheet = bt.trainer_sheet(run, finder)
        days = sheet.days()
        require(len(days) >= 5, f"{sheet.code}: fewer than five training days ({days})")
        path = with_query(sheet.url, day=days[4], lang="en")
        b = ProfileBrowser(run.kalan.url, "o3-trainer", profile)
        b.login("formateur", run.kalan.accounts["formateur"], "en")
        b.open(path)
        b.driver.execute_async_script(
            "const done = arguments[arguments.length - 1]; navigator.serviceWorker.ready.then(() => done(true)).catch(() => done(false))")
        before = lines(b)
        chosen = [s for s, (saved, checked, values) in before.items() if "excused" in values and saved != "excused"][:2]
        require(len(chosen) == 2, f"{sheet.code} {days[4]}: fewer than two lines to mark excused")
        b.set_offline(True)
        for staff in chosen:
            mark(b, staff, "excused")
        require("2 not yet sent" in status_text(b), f"offline after two marks: {status_text(b)!r}")
        # The web session ends meanwhile (its cookie is gone: the server no longer knows this browser).
        b.driver.execute_cdp_cmd("Network.clearBrowserCookies", {})
        b.set_offline(False)
        wait(b.driver, "the sheet to ask for the password", lambda: b.driver.find_elements(By.ID, "offline-sign-in"), 30)
        text = status_text(b)
        require("Your session expired" in text and "2 mark(s) waiting" in text, f"the sheet says {text!r}")
        shoot(run, b, "o3-1-session-expired-asks-password")
        b.driver.find_element(By.ID, "offline-sign-in").click()
        wait(b.driver, "the login page", lambda: b.driver.find_elements(By.NAME, "password"), 20)
        form = b.form_with_field("password")
        form.find_element(By.NAME, "username").send_keys("formateur")
        form.find_element(By.NAME, "password").send_keys(run.kalan.accounts["formateur"])
        form.find_element(By.CSS_SELECTOR, "button[type=submit], input[type=submit]").click()
        wait(b.driver, "the marks that waited to be sent after signing in",
             lambda: "Attendance recorded" in (b.driver.execute_script("return document.body ? document.body.innerText : ''") or ""), 40)
        fresh = lines(b)
        require(all(fresh[s][0] == "excused" for s in chosen), f"after signing in the server has {[fresh.get(s) for s in chosen]}")
        shoot(run, b, "o3-2-signed-in-and-sent")
        return f"{sheet.code} {days[4]}: 2 marks kept offline, session ended, password asked, sent after signing in"
    finally:
        if b is not None:
            b.quit()
        shutil.rmtree(profile, ignore_errors=True)


def check_o1_offline_desktop(run):
    return journey(run, "desktop", "en", "o1")


def check_o2_offline_phone(run):
    return journey(run, "mobile", "fr", "o2")


CHECKS = [
    ("o1", "offline attendance: kept through reload and browser restart, sent on return, a changed sheet refused with differences (1366 px)", check_o1_offline_desktop),
    ("o2", "offline attendance at 390 px, in French", check_o2_offline_phone),
    ("o3", "offline marks survive an expired web session: the password is asked, then they are sent", check_o3_expired_session),
]
