#!/usr/bin/env python3
"""Kalan in a real browser: starts its own Kalan (demo data, throwaway embedded PostgreSQL), drives
headless Chromium through every page each role reaches, at 1366×768 and 390×844, in French and
English, saves a full-page screenshot of each, then runs the checks below. Prints PASS/FAIL per
check and a summary; exits 1 if any check failed, 2 if the harness itself could not run.

    python3 Tests/browser/browser_test.py --kalan .build/debug/kalan [--shots DIR] [--only a,b] [--keep]
"""

import argparse
import os
import re
import signal
import sys
import time
import traceback
import urllib.parse

sys.dont_write_bytecode = True  # no __pycache__ beside the sources
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from selenium.common.exceptions import WebDriverException  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import Select  # noqa: E402

from browser import Browser, first_alert, slug, with_query  # noqa: E402
from kalan_server import Kalan, KalanError  # noqa: E402
import journey_admin  # noqa: E402
import journey_hr  # noqa: E402
import journey_offline  # noqa: E402
import journey_public  # noqa: E402
import journey_staff  # noqa: E402
import journey_ux  # noqa: E402

REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
ROLES = ["public", "admin", "drh", "formateur", "direction"]
LANGS = ["fr", "en"]
SIZES = ["desktop", "mobile"]
STAFF_NUMBER = re.compile(r"\b[A-Z]{2,5}-\d{4}-\d{3,6}\b")

# Raw codes that a French reader must never see (check f). `present`/`absent` are French words too.
RAW_CODES = ["in_progress", "cancelled", "completed", "planned", "waitlisted", "nominated", "withdrawn", "no_show",
             "enrolled", "approved", "rejected", "failed", "excused", "in_person", "cybersecurity", "e_governance",
             "broadcasting", "telecoms", "digital_services", "international_organisation", "national_agency", "Tehran"]
RAW_CODE = re.compile(r"(?<![\w-])(" + "|".join(RAW_CODES) + r")(?![\w-])")
QUARTER = re.compile(r"\b20\d\d-Q[1-4]\b")
DECIMAL_POINT = re.compile(r"(?<![\w.\-/])\d+\.\d+(?![\w.\-/])")
ERROR_PAGE = re.compile(r"Internal Server Error|Fatal error|Traceback \(most recent|stack trace|Thread \d+ crashed|"
                        r"\.swift:\d+|\bat [\w.]+\([\w.]+:\d+\)", re.I)


class CheckFailed(AssertionError):
    pass


def require(condition, message):
    if not condition:
        raise CheckFailed(message)


# ---------------------------------------------------------------------------------------------------
# The run: one Kalan, browsers on demand, screenshots in one folder

class Run:
    def __init__(self, kalan, shots, log):
        self.kalan = kalan
        self.shots = shots
        self.log = log
        self.browsers = []
        self.visits = []  # every page of the crawl (Visit)
        self.sessions = {}  # what the crawl learnt: role -> {"in_progress": [...], "completed": [...], ...}
        self.shot_count = 0

    def browser(self, name):
        b = Browser(self.kalan.url, name)
        self.browsers.append(b)
        return b

    def login(self, name, role, lang="fr"):
        b = self.browser(name)
        b.login(role, self.kalan.accounts[role], lang)
        return b

    def shoot(self, browser, name):
        path = os.path.join(self.shots, slug(name) + ".png")
        browser.screenshot(path)
        self.shot_count += 1
        return path

    def close(self):
        for b in self.browsers:
            b.quit()
        self.browsers = []


class Visit:
    """One page of the crawl, seen by one role in one language, at both sizes."""

    def __init__(self, role, lang, name, path, linked):
        self.role, self.lang, self.name, self.path, self.linked = role, lang, name, path, linked
        self.page = None  # Page at desktop size
        self.layout = None  # measurements at 390 px
        self.inner_width = None
        self.problems = []  # harness trouble while visiting (timeouts…)

    @property
    def label(self):
        return f"{self.role} {self.lang} {self.path}"


# ---------------------------------------------------------------------------------------------------
# Finding things by following links, not by knowing URLs

def sessions_with_status(browser, status):
    """Codes of the sessions listed with a status, via the list's status filter (codes in rows as a fallback)."""
    page = browser.open(f"/sessions?status={status}", "en")
    rows = browser.driver.execute_script(
        "return Array.from(document.querySelectorAll('tr')).map(tr => {"
        " const a = tr.querySelector('a[href]'); return a ? [a.pathname, tr.innerText] : null }).filter(x => x)")
    word = re.compile(r"\b" + status.replace("_", "[ _-]") + r"\b", re.I)
    codes = []
    for path, text in rows:
        m = re.fullmatch(r"/sessions/([^/]+)", path)
        if m and word.search(text):
            codes.append(urllib.parse.unquote(m.group(1)))
    return codes, page


def session_links(browser, code):
    """Pages under /sessions/{code}/ linked from the page shown (attendance sheets, scores…)."""
    prefix = f"/sessions/{urllib.parse.quote(code)}/"
    found = []
    for href, text in browser.links():
        path = href.split("?")[0]
        if path.startswith(prefix) and href not in [f[0] for f in found]:
            found.append((href, text))
    return found


def discover(browser, role, serial):
    """The pages one signed-in role reaches: the home page's links, the usual pages, one roster per
    session state, and the pages each roster links to. Returns [(name, path, linked)]."""
    home = browser.open("/", "en")
    linked = {href.split("?")[0] for href, _ in browser.links()}
    pages = [("home", "/", True)]
    for name, path in [("sessions", "/sessions"), ("trainees", "/trainees"), ("statistics", "/statistics"),
                       ("verify", "/verify"), ("verify-serial", f"/verify/{serial}")]:
        pages.append((name, path, path in linked or name in ("sessions", "verify-serial")))
    for path in sorted(linked):
        if path not in [p[1] for p in pages] and not path.startswith(("/api", "/openapi", "/logout", "/metrics", "/issuer")):
            pages.append((slug(path), path, True))
    if "/trainees" in linked:  # one staff member's page, if the register links to them
        browser.open("/trainees", "en")
        for href, _ in browser.links():
            if re.fullmatch(r"/trainees/[^/?]+", href.split("?")[0]) and not href.startswith("/trainees/import"):
                pages.append(("trainee", strip_lang(href), True))
                break
    found = {}
    for status in ("in_progress", "completed", "open"):
        codes, _ = sessions_with_status(browser, status)
        found[status] = codes
        if not codes:
            continue
        code = codes[0]
        roster = f"/sessions/{urllib.parse.quote(code)}"
        pages.append((f"roster-{status}", roster, True))
        browser.open(roster, "en")
        kinds = {}
        for href, _ in session_links(browser, code):
            kind = href.split("?")[0][len(roster) + 1:].split("/")[0] or "page"
            if kind not in kinds:  # one of each: the first attendance day, the scores…
                kinds[kind] = href
                pages.append((f"{kind}-{status}", strip_lang(href), True))
    return pages, found, home


def strip_lang(href):
    parts = urllib.parse.urlsplit(href)
    query = [(k, v) for k, v in urllib.parse.parse_qsl(parts.query, keep_blank_values=True) if k != "lang"]
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))


# ---------------------------------------------------------------------------------------------------
# Layout at 390 px

LAYOUT_JS = """
const selector = arguments[0], scope = arguments[1];
// The layout viewport (390 on the phone); window.innerWidth grows past it when the page is wider
// than the screen, because a phone then zooms out.
const width = document.documentElement.clientWidth;
const roots = scope ? Array.from(document.querySelectorAll(scope)) : [document];
const out = [];
for (const root of roots) for (const e of root.querySelectorAll(selector)) {
  if (e.type === 'hidden') continue;
  const r = e.getBoundingClientRect();
  if (r.width === 0 && r.height === 0) continue;
  const x = r.left + window.scrollX;
  if (x < -0.5 || x + r.width > width + 0.5)
    out.push(`${e.tagName.toLowerCase()}${e.name ? '[name=' + e.name + ']' : ''}${e.type && e.tagName !== 'BUTTON' ? '[' + e.type + ']' : ''}`
      + ` "${(e.innerText || e.value || e.getAttribute('aria-label') || '').trim().slice(0, 30)}" x=${Math.round(x)}..${Math.round(x + r.width)}`);
}
return {viewport: width, innerWidth: window.innerWidth, scrollWidth: document.documentElement.scrollWidth, outside: out};
"""


def measure(browser, selector="input, select, button, label, textarea", scope=None):
    return browser.driver.execute_script(LAYOUT_JS, selector, scope)


# ---------------------------------------------------------------------------------------------------
# The crawl: every page, every role, both languages, both sizes

def crawl(run):
    b = run.browser("crawl")
    for role in ROLES:
        if role == "public":
            b.logout()
            pages = [("login", "/login", True), ("verify", "/verify", True), ("verify-serial", f"/verify/{run.kalan.sample_serial}", True),
                     ("home", "/", False)]
        else:
            b.login(role, run.kalan.accounts[role], "fr")
            pages, found, _ = discover(b, role, run.kalan.sample_serial)
            run.sessions[role] = found
        for lang in LANGS:
            for name, path, linked in pages:
                visit = Visit(role, lang, name, path, linked)
                run.visits.append(visit)
                try:
                    visit_page(run, b, visit)
                except (WebDriverException, AssertionError) as e:
                    visit.problems.append(f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}")
                    b.set_size("desktop")
        run.log(f"  crawled {role}: {len(pages)} pages × {len(LANGS)} languages × {len(SIZES)} sizes")


def visit_page(run, b, visit):
    b.set_size("desktop")
    visit.page = b.open(visit.path, visit.lang)
    run.shoot(b, f"{visit.role}-{visit.lang}-{visit.name}-desktop")
    b.set_size("mobile")
    visit.inner_width = b.inner_width()
    visit.layout = {
        "page": measure(b, "input, select, button, textarea"),
        "forms": measure(b, "input, select, button, label, textarea", "form"),
    }
    run.shoot(b, f"{visit.role}-{visit.lang}-{visit.name}-mobile")
    b.set_size("desktop")


# ---------------------------------------------------------------------------------------------------
# Attendance sheets: open the sheet of a day, read and set marks

class Sheet:
    """The attendance sheet of one session, wherever the pages put it: on the roster, or on a page
    the roster links to; one day at a time through ?day=, a day chooser, or the form's day field."""

    def __init__(self, browser, code, lang="fr"):
        self.b, self.code, self.lang = browser, code, lang
        self.roster = f"/sessions/{urllib.parse.quote(code)}"
        self.url = None

    def locate(self):
        self.b.open(self.roster, self.lang)
        if post_forms(self.b, "/attendance"):
            self.url = self.roster
            return True
        for href, _ in session_links(self.b, self.code):
            if "attendance" in href.split("?")[0]:
                self.b.open(href, self.lang)
                if post_forms(self.b, "/attendance"):
                    self.url = strip_lang(href)
                    return True
        return False

    def form(self):
        forms = post_forms(self.b, "/attendance")
        require(forms, f"no attendance form (POST …/attendance) on {self.b.driver.current_url}")
        return forms[0]

    def days(self):
        """The training days the sheet offers, from the day selector or ?day= links."""
        days = []
        for select in self.b.driver.find_elements(By.CSS_SELECTOR, "select[name=day]"):
            days += [o.get_attribute("value") for o in select.find_elements(By.TAG_NAME, "option")]
        for href, _ in self.b.links():
            m = re.search(r"[?&]day=(\d{4}-\d{2}-\d{2})", href)
            if m:
                days.append(m.group(1))
        return list(dict.fromkeys(d for d in days if re.fullmatch(r"\d{4}-\d{2}-\d{2}", d or "")))

    def open(self, day=None):
        """Shows the sheet of `day` (the page's default day when None); returns the Page."""
        page = self.b.open(self.url, self.lang)
        if day is None:
            return page
        if f"day={day}" not in page.url:
            if any(f"day={day}" in href for href, _ in self.b.links()) or self.uses_day_query():
                page = self.b.open(with_query(self.b.url(self.url), day=day), self.lang)
            else:
                for select in self.b.driver.find_elements(By.CSS_SELECTOR, "select[name=day]"):
                    Select(select).select_by_value(day)
                    chooser = select.find_element(By.XPATH, "ancestor::form[1]")
                    if (chooser.get_attribute("method") or "get").lower() == "get":
                        page = self.b.submit(chooser)
                    break
        return page

    def uses_day_query(self):
        """A GET form with a day field (a day chooser): the sheet of a day is the page's ?day=."""
        return any(f.find_elements(By.CSS_SELECTOR, "select[name=day], input[name=day]")
                   for f in self.b.driver.find_elements(By.TAG_NAME, "form")
                   if (f.get_attribute("method") or "get").lower() == "get")

    def shown_day(self):
        form = self.form()
        for field in form.find_elements(By.NAME, "day"):
            if field.tag_name == "select":
                return Select(field).first_selected_option.get_attribute("value")
            return field.get_attribute("value")
        m = re.search(r"[?&]day=(\d{4}-\d{2}-\d{2})", self.b.driver.current_url)
        return m.group(1) if m else None

    def groups(self):
        """Radio groups of the sheet: name -> {"checked": value or None, "values": [...], "enabled": bool, "row": text}."""
        return self.b.driver.execute_script("""
            const form = arguments[0], groups = {};
            for (const r of form.querySelectorAll('input[type=radio]')) {
              const g = groups[r.name] || (groups[r.name] = {checked: null, values: [], enabled: false,
                row: ((r.closest('tr') || r.parentElement).innerText || '').replace(/\\s+/g, ' ').trim().slice(0, 80)});
              g.values.push(r.value);
              if (r.checked) g.checked = r.value;
              if (!r.disabled) g.enabled = true;
            }
            return groups;""", self.form())

    def mark(self, name, value):
        radio = self.form().find_element(By.CSS_SELECTOR, f"input[type=radio][name='{name}'][value='{value}']")
        self.b.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", radio)
        try:
            radio.click()
        except WebDriverException:
            self.b.driver.execute_script("arguments[0].click()", radio)
        require(radio.is_selected(), f"could not select {value} for {name}")

    def save(self):
        return self.b.submit(self.form())


def post_forms(b, action_contains):
    return [f for f in b.forms(action_contains) if (f.get_attribute("method") or "get").lower() == "post"]


def trainer_sheet(run, browser):
    """An attendance sheet of a session the trainer trains, in progress (or open/planned), with
    trainees on it and training days."""
    found = run.sessions.get("formateur") or {}
    candidates = found.get("in_progress", []) + found.get("open", [])
    if not candidates:
        for status in ("in_progress", "open", "planned"):
            candidates += sessions_with_status(browser, status)[0]
    require(candidates, "the trainer sees no session in progress, open or planned at /sessions")
    for code in candidates:
        sheet = Sheet(browser, code)
        if sheet.locate():
            groups = sheet.groups()
            if any(g["enabled"] and "absent" in g["values"] for g in groups.values()) and sheet.days():
                return sheet
    raise CheckFailed(f"no attendance sheet with trainees and days in the trainer's sessions {candidates}")


def refusal(browser, page):
    """Why the page says a change was refused, or None when it looks accepted."""
    text = first_alert(browser.driver)
    if text:
        return text
    if page.status and page.status >= 400:
        return f"HTTP {page.status}"
    return None


# ---------------------------------------------------------------------------------------------------
# Checks a–g

def check_a_attendance_saved(run):
    """a. A trainer marks a trainee absent on a day, saves; the sheet of that day then shows absent."""
    b = run.login("a-formateur", "formateur")
    sheet = trainer_sheet(run, b)
    day = sheet.days()[0]
    sheet.open(day)
    groups = sheet.groups()
    name = next((n for n, g in groups.items() if g["enabled"] and "absent" in g["values"] and g["checked"] != "absent"), None)
    require(name, f"{sheet.code} {day}: every trainee is already absent, or no line can be marked")
    row = groups[name]["row"]
    sheet.mark(name, "absent")
    saved = sheet.save()
    run.shoot(b, "check-a-after-save")
    problem = refusal(b, saved)
    require(problem is None, f"{sheet.code} {day}: saving the sheet was refused: {problem}")
    sheet.open(day)
    run.shoot(b, "check-a-reloaded")
    shown = sheet.shown_day()
    after = sheet.groups().get(name)
    require(after is not None, f"{sheet.code} {day}: line {name} is gone from the sheet after saving")
    require(after["checked"] == "absent",
            f"{sheet.code}: marked {row!r} absent on {day} and saved; the sheet of {shown or day} shows {after['checked']!r} "
            f"instead (the sheet does not show what is saved)")
    return f"{sheet.code} {day}: {name} was {groups[name]['checked']!r}, saved 'absent', the reloaded sheet of {shown} shows 'absent'"


def check_b_stale_sheet(run):
    """b. Two people on the same day's sheet: the second save, made on a stale sheet, is refused."""
    first, second = run.login("b-first", "formateur"), run.login("b-second", "formateur")
    sheet1 = trainer_sheet(run, first)
    sheet2 = Sheet(second, sheet1.code)
    require(sheet2.locate(), f"the second browser finds no sheet for {sheet1.code}")
    days = sheet1.days()
    day = days[1] if len(days) > 1 else days[0]
    sheet1.open(day)
    sheet2.open(day)
    groups = sheet1.groups()
    name = next((n for n, g in groups.items() if g["enabled"] and {"absent", "excused"} <= set(g["values"])
                 and g["checked"] not in ("absent", "excused")), None)
    require(name, f"{sheet1.code} {day}: no line that is neither absent nor excused to change")
    sheet1.mark(name, "absent")
    page1 = sheet1.save()
    require(refusal(first, page1) is None, f"{sheet1.code} {day}: the first save was refused: {refusal(first, page1)}")
    sheet2.mark(name, "excused")
    page2 = sheet2.save()
    run.shoot(second, "check-b-second-save")
    refused = refusal(second, page2)
    sheet1.open(day)
    now = sheet1.groups().get(name, {}).get("checked")
    require(refused, f"{sheet1.code} {day}: a save from a stale sheet was accepted (HTTP {page2.status}, no role=alert or .bad "
                     f"on the page); line {groups[name]['row']!r} is now {now!r}, the first person's 'absent' was overwritten")
    require(now == "absent", f"{sheet1.code} {day}: the stale save was refused ({refused!r}) but the line now shows {now!r}, not 'absent'")
    return f"{sheet1.code} {day}: second save refused (HTTP {page2.status}: {refused[:90]!r}); {name} still 'absent'"


def score_form(b, code, lang="en"):
    """The score form of a session: on the roster, or on a page the roster links to. None if absent."""
    roster = f"/sessions/{urllib.parse.quote(code)}"
    b.open(roster, lang)
    forms = b.forms("/scores")
    if not forms:
        for href, _ in session_links(b, code):
            if "scores" in href.split("?")[0]:
                b.open(href, lang)
                forms = b.forms("/scores")
                break
    forms = [f for f in forms if (f.get_attribute("method") or "get").lower() == "post"]
    return forms[0] if forms else None



def score_inputs(form):
    inputs = form.find_elements(By.CSS_SELECTOR, "input:not([type=hidden]):not([type=radio]):not([type=checkbox])")
    return [i for i in inputs if re.search(r"pre|post|score", (i.get_attribute("name") or "") + " " + (i.get_attribute("aria-label") or ""), re.I)]


def closed_sessions(run, b):
    codes = (run.sessions.get("drh") or {}).get("completed") or sessions_with_status(b, "completed")[0]
    require(codes, "HR sees no completed session at /sessions")
    return codes


def check_c_closed_scores(run):
    """c. A closed (completed) session refuses a score change, as HR."""
    b = run.login("c-drh", "drh")
    code = closed_sessions(run, b)[0]
    form = score_form(b, code)
    run.shoot(b, "check-c-closed-scores")
    if form is None:
        return f"{code}: no score form on a closed session (refused by absence)"
    inputs = score_inputs(form)
    open_inputs = [i for i in inputs if i.is_enabled() and not i.get_attribute("readonly")]
    locked = not open_inputs
    if locked:
        if not inputs:
            return f"{code}: the score form has no score input"
        # The page offers nothing to change; the server must refuse it all the same (a crafted or
        # old form): enable one input in the page, as such a request would, and post it.
        open_inputs = inputs
    target = next((i for i in open_inputs if (i.get_attribute("value") or "").strip()), open_inputs[0])
    name, old = target.get_attribute("name"), (target.get_attribute("value") or "").strip()
    new = "50" if old != "50" else "60"
    b.driver.execute_script("arguments[0].disabled = false; arguments[0].readOnly = false; arguments[0].value = arguments[1]", target, new)
    page = b.submit(form)
    run.shoot(b, "check-c-after-post")
    refused = refusal(b, page)
    form = score_form(b, code)
    now = next((i.get_attribute("value") for i in score_inputs(form) if i.get_attribute("name") == name), None) if form else None
    how = "forced a post of the disabled input" if locked else "changed the input"
    require(refused and (now is None or now.strip() == old),
            f"{code} (completed): {how} {name} from {old!r} to {new} and saved; "
            + (f"refused ({refused!r}) but the form now shows {now!r}" if refused
               else f"accepted (HTTP {page.status}, no refusal shown); the form now shows {now!r}"))
    return f"{code}: " + ("score inputs disabled, and a forced post " if locked else "a changed score ") + f"is refused ({refused})"


def roster_line(b, code, staff, lang="en"):
    b.open(f"/sessions/{urllib.parse.quote(code)}", lang)
    for row in b.driver.find_elements(By.CSS_SELECTOR, "tr"):
        if staff in row.text:
            return re.sub(r"\s+", " ", row.text)
    return None


def fill_reason(form, text):
    """Fills the reason and ticks the required confirmation boxes."""
    for field in form.find_elements(By.NAME, "reason"):
        field.clear()
        field.send_keys(text)
    for box in form.find_elements(By.CSS_SELECTOR, "input[type=checkbox][required]"):
        if not box.is_selected():
            box.click()


def find_results_form(b, code, suffix):
    """A POST form whose action ends with /results/reopen or /results/close, on the roster or a page it links to."""
    roster = f"/sessions/{urllib.parse.quote(code)}"
    places = [roster]
    b.open(roster, "en")
    places += [href for href, _ in session_links(b, code)]
    for place in places:
        b.open(place, "en")
        for form in b.driver.find_elements(By.TAG_NAME, "form"):
            action = urllib.parse.urlsplit(form.get_attribute("action") or "").path
            if action.endswith(suffix) and (form.get_attribute("method") or "").lower() == "post":
                return form
    return None


def check_d_reopen_close(run):
    """d. HR reopens closed results with a reason, lowers a score, closes again: the outcome is recomputed."""
    b = run.login("d-drh", "drh")
    codes = closed_sessions(run, b)
    code = codes[1] if len(codes) > 1 else codes[0]
    reopen = find_results_form(b, code, "/results/reopen")
    require(reopen is not None, f"{code}: no reopen form (no POST form whose action ends with /results/reopen on the roster or its pages)")
    require(reopen.find_elements(By.NAME, "reason"), f"{code}: the reopen form has no field named 'reason'")
    b.open(f"/sessions/{urllib.parse.quote(code)}", "en")
    staff = next((m.group(0) for row in b.driver.find_elements(By.CSS_SELECTOR, "tr")
                  if re.search(r"\bcompleted\b", row.text) for m in [STAFF_NUMBER.search(row.text)] if m), None)
    require(staff, f"{code}: no line shown as 'completed' on the English roster")
    before = roster_line(b, code, staff)
    reopen = find_results_form(b, code, "/results/reopen")
    fill_reason(reopen, "Correction d'une note (test navigateur)")
    page = b.submit(reopen)
    run.shoot(b, "check-d-reopened")
    require(refusal(b, page) is None, f"{code}: reopening was refused: {refusal(b, page)}")
    form = score_form(b, code)
    require(form is not None, f"{code}: after reopening, no score form")
    post = next((i for i in score_inputs(form) if staff in (i.get_attribute("name") or "") + (i.get_attribute("aria-label") or "")
                 and "post" in ((i.get_attribute("name") or "") + (i.get_attribute("aria-label") or "")).lower()), None)
    require(post is not None and post.is_enabled(), f"{code}: after reopening, no enabled post-test input for {staff}")
    b.driver.execute_script("arguments[0].value = '0'", post)
    page = b.submit(form)
    require(refusal(b, page) is None, f"{code}: after reopening, saving a post score of 0 for {staff} was refused: {refusal(b, page)}")
    close = find_results_form(b, code, "/results/close")
    require(close is not None, f"{code}: no close form (POST …/results/close) after reopening")
    fill_reason(close, "Correction d'une note (test navigateur)")
    page = b.submit(close)
    run.shoot(b, "check-d-closed-again")
    require(refusal(b, page) is None, f"{code}: closing again was refused: {refusal(b, page)}")
    after = roster_line(b, code, staff)
    require(after and re.search(r"\bfailed\b", after),
            f"{code}: {staff} had post score set to 0 after reopening, results closed again; the line reads {after!r} "
            f"(was {before!r}), expected 'failed'")
    return f"{code} {staff}: {before!r} → {after!r}"


def check_e_phone_layout(run):
    """e. At 390 px, the attendance sheet, the roster's buttons and the score inputs fit the screen."""
    problems, seen = [], 0
    for v in run.visits:
        if v.role not in ("formateur", "drh") or v.layout is None or not v.name.startswith(("roster", "attendance", "scores")):
            continue
        seen += 1
        page = v.layout["page"]
        if page["viewport"] != 390:
            problems.append(f"{v.label}: the layout viewport is {page['viewport']} px wide, not 390 (viewport meta missing?)")
            continue
        if page["scrollWidth"] > page["viewport"]:
            problems.append(f"{v.label}: the page is {page['scrollWidth']} px wide on a {page['viewport']} px screen "
                            f"(scrolls sideways; window.innerWidth {page['innerWidth']})")
        for part in ("page", "forms"):
            m = v.layout[part]
            if m["outside"]:
                shown = "; ".join(m["outside"][:3]) + (f"; … {len(m['outside']) - 3} more" if len(m["outside"]) > 3 else "")
                problems.append(f"{v.label}: {len(m['outside'])} control(s) beyond 0..{m['viewport']} px: {shown}")
                break
    require(seen, "no roster, attendance or score page was visited by the trainer or HR")
    trainer_sheet_seen = any(v.role == "formateur" and v.layout and v.layout["forms"] is not None and v.page
                             and ("/attendance" in (v.page.html or "")) for v in run.visits)
    require(trainer_sheet_seen, "the crawl met no attendance sheet for the trainer")
    shown = problems[:14] + ([f"… {len(problems) - 14} more"] if len(problems) > 14 else [])
    require(not problems, f"{len(problems)} problem(s) at 390 px:\n      " + "\n      ".join(shown))
    return f"{seen} pages measured"


def check_f_no_raw_codes(run):
    """f. French pages show no raw codes, quarter codes, or decimal points in table cells."""
    problems = []
    for v in run.visits:
        if v.lang != "fr" or v.page is None:
            continue
        words = sorted({m.group(0) for m in RAW_CODE.finditer(v.page.text)} | {m.group(0) for m in QUARTER.finditer(v.page.text)})
        decimals = sorted(set(decimals_in_cells(v.page.html)))
        if words:
            problems.append(f"{v.label}: {', '.join(words)}")
        if decimals:
            problems.append(f"{v.label}: decimal point in table cells: {', '.join(decimals[:6])}")
    shown = problems[:20] + ([f"… {len(problems) - 20} more"] if len(problems) > 20 else [])
    require(not problems, f"raw codes on {len(problems)} French page visit(s):\n      " + "\n      ".join(shown))
    return f"{sum(1 for v in run.visits if v.lang == 'fr' and v.page)} French page visits read"


def decimals_in_cells(html):
    for cell in re.findall(r"<td\b[^>]*>(.*?)</td>", html or "", re.S):
        text = re.sub(r"<[^>]+>", " ", cell)
        if STAFF_NUMBER.search(text) or re.search(r"\d{4}-\d{2}-\d{2}", text):
            text = STAFF_NUMBER.sub(" ", re.sub(r"\d{4}-\d{2}-\d{2}", " ", text))
        for m in DECIMAL_POINT.finditer(text):
            yield m.group(0)


def check_g_status_and_lang(run):
    """g. Every page answers as expected, shows no error or stack trace, has <html lang> as asked, gets
    its stylesheet, and leaves no error in the browser console (CSP violations, failed resources)."""
    problems = Grouped()
    for v in run.visits:
        if v.problems:
            problems.add("the page could not be visited", v.label, "; ".join(v.problems))
            continue
        p = v.page
        refused_ok = not v.linked and (p.status in (401, 403, 404) or "/login" in urllib.parse.urlsplit(p.url).path)
        if p.status is None:
            problems.add("no HTTP status seen", v.label)
        elif p.status >= 500:
            problems.add(f"server error {p.status}", v.label)
        elif p.status != 200 and not refused_ok:
            problems.add(f"HTTP {p.status}", v.label, f"statuses {p.statuses}")
        if ERROR_PAGE.search(p.text or ""):
            problems.add("error text on the page", v.label, ERROR_PAGE.search(p.text).group(0))
        if p.lang != v.lang:
            problems.add("<html lang> is not the language asked", v.label, f"lang={p.lang!r}, asked {v.lang!r}")
        for href in p.unstyled:
            problems.add(f"stylesheet {href} not applied", v.label)
        for message in p.console:
            if refused_ok and "Failed to load resource" in message and message.startswith(p.url.split("?")[0]):
                continue  # the expected 403/404 of a page this role is not offered
            problems.add("browser console: " + re.sub(r"https?://[^/\s'\"]+", "", message.split(" ", 2)[-1])[:200], v.label)
    require(run.visits, "no page was visited")
    require(not problems, problems.report(len(run.visits)))
    return f"{len(run.visits)} page visits"


class Grouped:
    """Problems grouped by kind, each with the pages it was seen on: short reports for many pages."""

    def __init__(self):
        self.kinds = {}

    def add(self, kind, label, detail=None):
        self.kinds.setdefault(kind, []).append(f"{label}" + (f" ({detail})" if detail else ""))

    def __bool__(self):
        return bool(self.kinds)

    def report(self, total, shown=4):
        lines = []
        for kind, where in self.kinds.items():
            more = f"; … {len(where) - shown} more" if len(where) > shown else ""
            lines.append(f"{kind}: on {len(where)} of {total} page visits, e.g. " + "; ".join(where[:shown]) + more)
        return f"{len(self.kinds)} kind(s) of problem:\n      " + "\n      ".join(lines)


def check_x_axe(run):
    """x. axe-core ran on every page the other checks visited (once per account, language and path)
    and found no serious or critical violation."""
    require(Browser.axe is not None, "axe-core is not installed: pip install -r Tests/requirements.txt (axe-selenium-python)")
    require(Browser.axe_pages or Browser.axe_violations, "no page was visited before this check (run it with others: --only u1,x)")
    found = Grouped()
    for account, lang, path, rule, impact, help_text, targets in Browser.axe_violations:
        found.add(f"{impact} {rule} ({help_text})", f"{account} {lang} {path}", ", ".join(targets))
    require(not found, found.report(Browser.axe_pages))
    return f"{Browser.axe_pages} pages checked (account × language × path)"


def layout_notes(run):
    """Not a check: every crawled page that scrolls sideways at 390 px, for the report."""
    notes = []
    for v in run.visits:
        if v.layout and v.layout["page"]["scrollWidth"] > v.layout["page"]["viewport"]:
            notes.append(f"{v.label}: {v.layout['page']['scrollWidth']} px wide")
    return notes


CHECKS = [
    ("a", "trainer's saved attendance is shown on reload", check_a_attendance_saved),
    ("b", "a stale attendance sheet cannot overwrite a newer save", check_b_stale_sheet),
    ("c", "closed results refuse a score change", check_c_closed_scores),
    ("d", "reopen and close again recomputes outcomes", check_d_reopen_close),
    ("e", "attendance, roster and scores fit a 390 px phone", check_e_phone_layout),
    ("f", "no raw codes on French pages", check_f_no_raw_codes),
    ("g", "every page answers, without errors, in the language asked", check_g_status_and_lang),
    ("x", "axe-core finds no serious or critical violation on any page visited, as each role", lambda run: check_x_axe(run)),
] + journey_admin.CHECKS + journey_hr.CHECKS + journey_public.CHECKS + journey_ux.CHECKS + journey_offline.CHECKS + journey_staff.CHECKS
# Read-only checks first (they use the crawl), then those that change data; axe-core's verdict on
# every page the others visited comes last.
# The checks of issue 20 come before HR's journeys: u7 looks for certificates due before h3 issues them.
ORDER = (["e", "f", "g", "a", "b", "c", "d"] + [c[0] for c in journey_admin.CHECKS + journey_ux.CHECKS + journey_hr.CHECKS + journey_public.CHECKS]
         + [c[0] for c in journey_offline.CHECKS] + [c[0] for c in journey_staff.CHECKS] + ["x"])


# ---------------------------------------------------------------------------------------------------

def our_frame(error):
    """Where in this harness an exception came from: file:line function."""
    here = os.path.dirname(os.path.abspath(__file__))
    frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename.startswith(here)]
    return f"{os.path.basename(frames[-1].filename)}:{frames[-1].lineno} {frames[-1].name}" if frames else "?"


class Timeout(BaseException):
    pass


def on_alarm(signum, frame):
    raise Timeout("the whole run took longer than its time limit")


def on_term(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kalan", default=os.path.join(REPO_ROOT, ".build/debug/kalan"), help="the kalan binary")
    base = os.environ.get("KALAN_TEST_DIR") or "/tmp"
    parser.add_argument("--shots", default=os.path.join(base, time.strftime("kalan-screenshots-%Y%m%d-%H%M%S")), help="screenshot folder")
    parser.add_argument("--only", default="", help="comma-separated check letters, e.g. a,e (default: all)")
    parser.add_argument("--timeout", type=int, default=1500, help="seconds for the whole run (default 1500)")
    parser.add_argument("--keep", action="store_true", help="keep Kalan's data folder")
    parser.add_argument("--bypass-csp", action="store_true",
                        help="diagnosis only: let the browser ignore Content-Security-Policy (to see pages a CSP breaks)")
    args = parser.parse_args()
    Browser.bypass_csp = args.bypass_csp
    try:
        from axe_selenium_python import Axe
        Browser.axe = Axe
    except ImportError:
        Browser.axe = None  # check x says so
    wanted = [c for c in ORDER if not args.only or c in args.only.split(",")]

    started = time.monotonic()
    os.makedirs(args.shots, exist_ok=True)

    def log(message):
        print(f"[{time.monotonic() - started:6.1f}s] {message}", flush=True)

    log(f"screenshots: {args.shots}")
    signal.signal(signal.SIGALRM, on_alarm)
    signal.signal(signal.SIGTERM, on_term)
    signal.alarm(args.timeout)
    kalan = Kalan(args.kalan, REPO_ROOT, keep=args.keep, log=log)
    kalan.artifacts = args.shots
    run = Run(kalan, args.shots, log)
    results = []
    harness_error = None
    try:
        journey_staff.prepare(run, wanted)  # its own Kalan (notices to a test SMTP server) starts beside this one
        kalan.start()
        if set(wanted) & {"e", "f", "g"}:  # the crawl feeds e, f and g; a–d find their pages themselves
            log("crawling every page")
            crawl(run)
            log(f"crawl done: {len(run.visits)} page visits, {run.shot_count} screenshots")
            run.close()
        for letter in wanted:
            _, title, check = next(c for c in CHECKS if c[0] == letter)
            t = time.monotonic()
            try:
                note = check(run)
                results.append((letter, title, True, note))
                print(f"PASS {letter}. {title}" + (f" — {note}" if note else ""), flush=True)
            except (CheckFailed, AssertionError) as e:  # journey_hr.JourneyFailed is an AssertionError
                results.append((letter, title, False, str(e)))
                print(f"FAIL {letter}. {title}\n    {e}", flush=True)
            except WebDriverException as e:
                message = f"browser error: {str(e).splitlines()[0] if str(e) else type(e).__name__} (at {our_frame(e)})"
                results.append((letter, title, False, message))
                print(f"FAIL {letter}. {title}\n    {message}", flush=True)
            finally:
                run.close()
                log(f"  ({letter} took {time.monotonic() - t:.1f} s)")
        notes = layout_notes(run)
        if notes:
            print(f"note: {len(notes)} page visit(s) scroll sideways at 390 px:\n    " + "\n    ".join(notes[:20]))
    except (Timeout, KeyboardInterrupt, KalanError) as e:
        harness_error = f"{type(e).__name__}: {e}"
    except Exception:
        harness_error = traceback.format_exc()
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, signal.SIG_DFL)
        errors = kalan.serve_errors() if kalan.serve_log else []
        run.close()
        kalan.stop()

    if errors:
        print(f"server log: {len(errors)} error line(s), e.g.:\n    " + "\n    ".join(errors[:5]))
    failed = [r for r in results if not r[2]]
    print()
    print(f"summary: {len(results) - len(failed)} passed, {len(failed)} failed"
          + (f" ({', '.join(r[0] for r in failed)})" if failed else "") + f", {run.shot_count} screenshots, "
          f"{time.monotonic() - started:.0f} s")
    print(f"screenshots: {args.shots}")
    if harness_error:
        print(f"HARNESS ERROR (checks not all run): {harness_error}")
        return 2
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
