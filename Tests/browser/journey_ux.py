"""What people still tripped on (issue 20), each from a fresh login or none (registered in
browser_test.py's CHECKS):

u1. Two-word searches: a GET form sends a space as `+`; the register (typed and sent through its
    form), the enrolment picker and the certificates list find the person, and the box shows the
    words with a space, not "Given+Family".
u2. /verify on a 390 px phone: a serial pasted in lower case, with spaces, without dashes, finds the
    certificate; an unknown one is quoted as typed (no percent-encoding), kept in the box, and the
    page stays 390 px wide.
u3. A staff number typed in lower case in the enrolment box enrols the person.
u4. An unknown address, a wrong method and a refused page answer with a page in the reader's
    language and the navigation (404, 405, 403).
u5. A download opened without a session leads to the login page, and back to the download after.
u6. Attendance honesty: a read-only account sees a read-only sheet that says who may mark it; a
    save that changes nothing does not say "saved"; a stale save lists every difference, the
    person's own unsaved marks included, and one press applies them over the current sheet, at 390 px.
u7. Results and seats: raising a capacity says who got a seat from the waitlist; closing results
    asks for a confirmation with the outcome counts, and afterwards the session reads completed;
    certificates due are counted with the action to issue them; HR is told who revokes.
u8. French pages leak no code or English: dates in the wrong order name the field, a date's
    pattern is AAAA-MM-JJ, a short password counts characters, a tampered file is "changed after
    signing".
u9. The import's report comes first, with its counts, and says when a session expired during the
    upload; an out-of-range score is marked beside its field for screen readers.
u10. Statistics: every column visible at 1366 px, rates defined, sessions to come not "0 %", chart
    text at least 12 px on a phone, downloads named after their grouping.
u11. Administration and access: an account's name, role and state changed by the admin (a disabled
    account's open session stops at once); countries picked from a list in the page's language; a
    skip link first in the tab order.
u12. The audit log in words: actions and people by name, only what changed, before → after.
"""

import json
import os
import re
import sys
import tempfile
import time
import urllib.parse
import urllib.request

from selenium.webdriver.common.by import By

from browser import with_query

HR_SESSIONS = ["S-TV-2027-01", "S-INNOV-2027-01", "S-DEMAT-2027-01", "S-TEL-2027-01"]


class JourneyFailed(AssertionError):
    pass


def require(condition, message):
    if not condition:
        raise JourneyFailed(message)


def flash(browser):
    return browser.driver.execute_script(
        "return Array.from(document.querySelectorAll('.verdict p, p.verdict')).map(e => e.innerText.trim())") or []


def box(browser, name):
    fields = browser.driver.find_elements(By.NAME, name)
    return fields[0].get_attribute("value") if fields else None


def first_register_row(b):
    """(staff number, given name, family name) of a register line whose names are single words."""
    b.open("/trainees", "en")
    for row in b.driver.find_elements(By.CSS_SELECTOR, "table tbody tr"):
        cells = [c.text.strip() for c in row.find_elements(By.TAG_NAME, "td")]
        if len(cells) >= 3 and " " not in cells[1] and " " not in cells[2] and cells[1] and cells[2]:
            return cells[0], cells[2], cells[1]
    require(False, "the register lists nobody with one-word names")


def check_u1_two_word_search(run):
    b = run.login("u1-drh", "drh", "en")
    staff, given, family = first_register_row(b)
    words = f"{given} {family}"
    # The register: typed in the box and sent by the browser's own GET form (which writes a `+`).
    b.open("/trainees", "en")
    form = b.form_with_field("search")
    field = form.find_element(By.NAME, "search")
    field.clear()
    field.send_keys(words)
    page = b.submit(form)
    run.shoot(b, "u1-register-two-words")
    require("+" in urllib.parse.urlsplit(page.url).query, f"the browser did not send the space as '+': {page.url}")
    require(staff in page.text, f"the register's search for {words!r} ({page.path}) does not list {staff}")
    require(box(b, "search") == words, f"the register's search box shows {box(b, 'search')!r}, not {words!r}")
    problems = []
    # The enrolment picker of a session with seats, and the certificates list.
    plus = urllib.parse.quote_plus(words)
    code = HR_SESSIONS[0]
    page = b.open(f"/sessions/{urllib.parse.quote(code)}?find={plus}", "en")
    offered = [e.get_attribute("value") for e in b.driver.find_elements(By.CSS_SELECTOR, "fieldset.picks input[type=checkbox]")]
    shown = page.text
    if staff not in offered and f"{given}" not in shown:
        problems.append(f"{code}?find={plus}: {staff} not offered ({offered[:5]})")
    if box(b, "find") != words:
        problems.append(f"{code}: the picker's box shows {box(b, 'find')!r}")
    # Certificates: a holder's name, from the list itself.
    b.open("/certificates", "en")
    holders = [a.text.strip() for a in b.driver.find_elements(By.CSS_SELECTOR, "table tbody td a[href*='/trainees/']")]
    two = next((h for h in holders if len(h.split()) == 2), None)
    if two:
        page = b.open(f"/certificates?search={urllib.parse.quote_plus(two)}", "en")
        run.shoot(b, "u1-certificates-two-words")
        if two not in page.text:
            problems.append(f"/certificates?search={urllib.parse.quote_plus(two)} does not list {two}")
        if box(b, "search") != two:
            problems.append(f"/certificates: the box shows {box(b, 'search')!r}")
    # An admin list (the users), as the admin.
    a = run.login("u1-admin", "admin", "en")
    page = a.open("/users?search=kalan+drh", "en")
    if box(a, "search") != "kalan drh":
        problems.append(f"/users: the box shows {box(a, 'search')!r}, not 'kalan drh'")
    require(not problems, "; ".join(problems))
    return f"{words!r} finds {staff} in the register and the picker" + (f"; {two!r} in the certificates" if two else "")


def variants(serial):
    """The ways a person pastes a serial: lower case, spaces around and inside, no dashes."""
    bare = serial.replace("-", "")
    return [f"  {serial.lower()} ", serial.replace("-", " - "), bare.lower(), f" {bare[:6]} {bare[6:10]} {bare[10:]}"]


def check_u2_verify_pasted_serial(run):
    serial = run.kalan.sample_serial
    require(serial, "the demo seed printed no certificate serial")
    b = run.browser("u2-public-phone")
    b.set_size("mobile")
    problems = []
    for typed in variants(serial):
        b.open("/verify", "fr")
        form = b.form_with_field("serial")
        form.find_element(By.NAME, "serial").send_keys(typed)
        page = b.submit(form)
        if serial not in page.text or "authentique" not in page.text.lower():
            problems.append(f"{typed!r} → {page.path} ({page.status}): {' '.join(flash(b))[:120]!r}")
    typed = "  ++MCENMA 2027 ZZZZ ZZZZ  "
    b.open("/verify", "fr")
    form = b.form_with_field("serial")
    form.find_element(By.NAME, "serial").send_keys(typed)
    page = b.submit(form)
    run.shoot(b, "u2-verify-unknown-mobile")
    said = " ".join(flash(b))
    width = b.driver.execute_script("return document.documentElement.scrollWidth")
    if "%" in said or typed.strip() not in said:
        problems.append(f"unknown serial {typed!r}: the page says {said!r}")
    if box(b, "serial") != typed.strip():
        problems.append(f"unknown serial: the box holds {box(b, 'serial')!r}, not what was typed")
    if width > 390:
        problems.append(f"unknown serial: the page is {width} px wide on a 390 px phone")
    b.set_size("desktop")
    run.shoot(b, "u2-verify-unknown-desktop")
    require(not problems, "; ".join(problems))
    return f"{len(variants(serial))} ways of pasting {serial} found it; an unknown one quoted as typed at {width} px"


def check_u3_lower_case_staff_number(run):
    b = run.login("u3-drh", "drh", "en")
    staff, given, family = first_register_row(b)
    require(staff != staff.lower(), f"{staff} has no letters to type in lower case")
    for code in HR_SESSIONS[1:]:
        page = b.open(f"/sessions/{urllib.parse.quote(code)}", "en")
        if staff in page.text:
            continue
        forms = b.forms(f"/sessions/{code}/enrolments")
        if not forms:
            continue
        form = forms[-1]
        b.driver.execute_script("for (const d of document.querySelectorAll('details')) d.open = true")
        form.find_element(By.NAME, "staff").send_keys(staff.lower())
        b.submit(form, form.find_elements(By.CSS_SELECTOR, "button[type=submit]")[-1])
        lines = flash(b)
        run.shoot(b, "u3-enrol-lower-case")
        text = "\n".join(lines)
        require("not found" not in text.lower() and "introuvable" not in text.lower(), f"{code}: enrolling {staff.lower()!r} says {lines}")
        require(re.search(r"enrolled|waitlisted|approv|nominat", text), f"{code}: enrolling {staff.lower()!r} says {lines}")
        return f"{staff.lower()!r} enrolled {family} on {code}: {lines[-1]!r}"
    require(False, f"none of {HR_SESSIONS[1:]} offered an enrolment box without {staff}")


def nav_links(b):
    return [href.split("?")[0] for href, _ in b.links()]


def check_u4_error_pages(run):
    problems = []
    b = run.login("u4-drh", "drh", "fr")
    page = b.open("/nulle-part/ici", "fr")
    run.shoot(b, "u4-404-fr")
    if page.status != 404 or page.lang != "fr" or "Aucune page" not in page.text or "/sessions" not in nav_links(b):
        problems.append(f"unknown path: HTTP {page.status}, lang {page.lang!r}, text {page.text[:120]!r}")
    page = b.open("/nowhere", "en")
    if page.status != 404 or page.lang != "en" or "no page" not in page.text:
        problems.append(f"unknown path in English: HTTP {page.status}, lang {page.lang!r}, text {page.text[:120]!r}")
    # A POST where only GET is answered (a form sent to a list's address).
    b.open("/statistics", "fr")
    b.driver.execute_script(
        "const f = document.createElement('form'); f.method = 'post'; f.action = '/statistics?lang=fr';"
        "document.body.appendChild(f); window.__form = f")
    page = b.submit(b.driver.execute_script("return window.__form"))
    run.shoot(b, "u4-405-fr")
    if page.status != 405 or page.lang != "fr" or "méthode" not in page.text.lower() or "/sessions" not in nav_links(b):
        problems.append(f"POST /statistics: HTTP {page.status}, lang {page.lang!r}, text {page.text[:120]!r}")
    # A page the role may not open.
    t = run.login("u4-formateur", "formateur", "fr")
    page = t.open("/users", "fr")
    run.shoot(t, "u4-403-fr")
    if page.status != 403 or page.lang != "fr" or "/sessions" not in nav_links(t):
        problems.append(f"trainer on /users: HTTP {page.status}, lang {page.lang!r}, text {page.text[:120]!r}")
    # The public, without a session.
    p = run.browser("u4-public")
    page = p.open("/nulle-part", "fr")
    if page.status != 404 or "Aucune page" not in page.text or "/verify" not in nav_links(p):
        problems.append(f"public on an unknown path: HTTP {page.status}, text {page.text[:120]!r}")
    require(not problems, "; ".join(problems))
    return "404, 405 and 403 answer a page in French or English with the navigation"


def check_u5_download_without_session(run):
    b = run.browser("u5-direction")
    target = "/statistics/cohorts.csv?by=course"
    page = b.open(target, "fr")
    run.shoot(b, "u5-download-login")
    require("/login" in urllib.parse.urlsplit(page.url).path, f"{target} without a session: {page.path} ({page.status}) {page.text[:100]!r}")
    require('"status"' not in page.text, f"{target} without a session shows raw JSON: {page.text[:100]!r}")
    nexts = [e.get_attribute("value") for e in b.driver.find_elements(By.NAME, "next")]
    require(any(n and n.startswith("/statistics/cohorts.csv") for n in nexts), f"the login page does not bring back to the download: next={nexts}")
    form = b.form_with_field("username")
    form.find_element(By.NAME, "username").send_keys("direction")
    form.find_element(By.NAME, "password").send_keys(run.kalan.accounts["direction"])
    # After login the browser goes back to the download: a file, so the page itself stays; the
    # browser's network log says where the login sent it and what came back.
    b.drain_log()
    b.driver.execute_script("arguments[0].submit()", form)
    time.sleep(3)
    seen = []
    for entry in b.driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.responseReceived":
            response = message["params"]["response"]
            seen.append((urllib.parse.urlsplit(response["url"]).path, response["status"], response.get("mimeType")))
    got = [s for s in seen if s[0] == "/statistics/cohorts.csv"]
    require(got and got[-1][1] == 200 and got[-1][2] == "text/csv", f"after login, the browser got {seen}")
    return f"{target}: login page, then the CSV ({got[-1]})"


def harness():
    """browser_test's helpers (Sheet, trainer_sheet…): it runs as __main__ and imports this file."""
    return sys.modules.get("browser_test") or sys.modules["__main__"]


def check_u6_attendance_honesty(run):
    bt = harness()
    problems = []
    # A read-only account (leadership) on a trainer's sheet.
    t = run.login("u6-formateur", "formateur", "en")
    sheet = bt.trainer_sheet(run, t)
    sheet.lang = "en"
    day = sheet.days()[0]
    v = run.login("u6-direction", "direction", "en")
    page = v.open(with_query(v.url(sheet.url), day=day), "en")
    run.shoot(v, "u6-read-only-sheet")
    radios = v.driver.find_elements(By.CSS_SELECTOR, "form input[type=radio]")
    enabled = [r for r in radios if r.is_enabled()]
    buttons = [b for b in v.driver.find_elements(By.CSS_SELECTOR, "form#sheet button[type=submit]")]
    if radios and (enabled or buttons):
        problems.append(f"read-only account on {sheet.url}: {len(enabled)} of {len(radios)} radios enabled, {len(buttons)} save button(s)")
    if "Read only" not in page.text or "trainers" not in page.text:
        problems.append(f"read-only account on {sheet.url}: the page does not say it is read-only and who marks")
    # Each line's radios are a group named after the person.
    legends = t.driver.execute_script(
        "return Array.from(document.querySelectorAll('form#sheet fieldset legend')).map(l => l.textContent.trim())") if sheet.open(day) else []
    if not legends:
        problems.append("the sheet's lines are not fieldsets with a legend naming the person")
    # Saving without a change says nothing was saved.
    saved = sheet.save()
    said = " ".join(flash(t))
    if "Attendance saved" in said or "nothing was saved" not in said:
        problems.append(f"a save without any change says {said!r}")
    # Stale: the first person changes line A; the second, on the older sheet, changes A and B.
    other = run.login("u6-formateur-2", "formateur", "en")
    sheet2 = bt.Sheet(other, sheet.code, "en")
    require(sheet2.locate(), f"the second browser finds no sheet for {sheet.code}")
    sheet.open(day)
    sheet2.open(day)
    groups = sheet.groups()
    free = [n for n, g in groups.items() if g["enabled"] and {"absent", "excused", "present"} <= set(g["values"])]
    require(len(free) >= 2, f"{sheet.code} {day}: fewer than two lines to mark")
    a, b_ = free[0], free[1]
    first = "absent" if groups[a]["checked"] != "absent" else "present"
    sheet.mark(a, first)
    sheet.save()
    second_a = "excused" if first != "excused" else "present"
    second_b = next(x for x in ("absent", "excused", "present") if x != groups[b_]["checked"])
    sheet2.mark(a, second_a)
    sheet2.mark(b_, second_b)
    other.set_size("mobile")
    page = sheet2.save()
    run.shoot(other, "u6-stale-mobile")
    width = other.driver.execute_script("return document.documentElement.scrollWidth")
    listed = other.driver.execute_script(
        "return Array.from(document.querySelectorAll('.card table tbody tr')).filter(tr => !tr.closest('form')).map(tr => tr.innerText)")
    staff_a, staff_b = a[2:], b_[2:]
    if not any(staff_a in row for row in listed) or not any(staff_b in row for row in listed):
        problems.append(f"the stale refusal lists {listed}, not both {staff_a} (changed meanwhile) and {staff_b} (own unsaved mark)")
    if width > 390:
        problems.append(f"the stale refusal is {width} px wide on a 390 px phone")
    other.set_size("desktop")
    run.shoot(other, "u6-stale-desktop")
    now = sheet2.groups()
    if now.get(a, {}).get("checked") != second_a or now.get(b_, {}).get("checked") != second_b:
        problems.append(f"the refused sheet does not hold the person's marks: {a}={now.get(a, {}).get('checked')}, {b_}={now.get(b_, {}).get('checked')}")
    else:
        sheet2.save()  # one press: the marks over the current sheet
        sheet.open(day)
        after = sheet.groups()
        if after[a]["checked"] != second_a or after[b_]["checked"] != second_b:
            problems.append(f"applying again saved {a}={after[a]['checked']}, {b_}={after[b_]['checked']}")
    require(not problems, "; ".join(problems))
    return f"{sheet.code} {day}: read-only sheet for leadership, no false 'saved', stale refusal lists {staff_a} and {staff_b} at {width} px"


def check_u7_results_and_seats(run):
    import journey_hr
    problems = []
    hr = run.login("u7-drh", "drh", "en")
    # A waitlist, then a larger capacity.
    code = None
    for candidate in journey_hr.SESSIONS[::-1]:
        _, left, waiting = journey_hr.seats(hr, candidate)
        if waiting:
            code = candidate
            break
        if left <= 3:
            journey_hr.tick(hr, candidate, "a", left + 1)
            _, left, waiting = journey_hr.seats(hr, candidate)
            if waiting:
                code = candidate
                break
    require(code, f"no session among {journey_hr.SESSIONS} could be given a waitlist")
    hr.open(f"/sessions/{urllib.parse.quote(code)}/edit", "en")
    form = hr.form_with_field("capacity")
    capacity = form.find_element(By.NAME, "capacity")
    value = int(capacity.get_attribute("value"))
    capacity.clear()
    capacity.send_keys(str(value + 1))
    hr.submit(form)
    said = " ".join(flash(hr))
    run.shoot(hr, "u7-capacity-promoted")
    if "promoted from the waitlist" not in said:
        problems.append(f"{code}: raising the capacity from {value} to {value + 1} says {said!r}, not who got a seat")
    # Someone who newly passes after a reopening: the closing says a certificate is due, with the
    # action to issue it.
    bt = harness()
    code_done, staff, due_said = journey_hr.COMPLETED, None, ""
    hr.open(f"/sessions/{urllib.parse.quote(code_done)}/results", "en")
    for row in hr.driver.find_elements(By.CSS_SELECTOR, "table tbody tr"):
        cells = [c.text for c in row.find_elements(By.TAG_NAME, "td")]
        if len(cells) >= 6 and cells[4].startswith("failed") and "post-test" in cells[5] and "attendance" not in cells[5]:
            staff = cells[1]
            break
    if staff is None:
        problems.append(f"{code_done}: no line failed on its post-test score alone, to make it pass")
    else:
        reopen = bt.find_results_form(hr, code_done, "/results/reopen")
        bt.fill_reason(reopen, "Note de sortie mal saisie (test navigateur)")
        hr.submit(reopen)
        form = bt.score_form(hr, code_done)
        post = form.find_element(By.NAME, f"post.{staff}")
        hr.driver.execute_script("arguments[0].value = '100'", post)
        hr.submit(form)
        close = bt.find_results_form(hr, code_done, "/results/close")
        bt.fill_reason(close, "")
        hr.submit(close)
        due_said = " ".join(flash(hr))
        run.shoot(hr, "u7-certificates-due")
        if not re.search(r"1 certificate\(s\) due", due_said) or not hr.driver.find_elements(By.CSS_SELECTOR, "#certificates-due form[action*='/certificates']"):
            problems.append(f"{code_done}: {staff} newly passes; closing says {due_said!r}, with no button to issue the certificate")
    # HR on the certificates list: who revokes.
    page = hr.open("/certificates", "en")
    if "Only an administrator can revoke" not in page.text:
        problems.append("/certificates does not tell HR who revokes")
    # Closing asks first, with the counts; the session then reads completed.
    t = run.login("u7-formateur", "formateur", "en")
    closable = None
    for c in harness().sessions_with_status(t, "in_progress")[0]:
        t.open(f"/sessions/{urllib.parse.quote(c)}/results", "en")
        if t.forms("/results/close"):
            closable = c
            break
    require(closable, "the trainer has no session in progress with results to close")
    form = t.forms("/results/close")[0]
    boxes = form.find_elements(By.CSS_SELECTOR, "input[type=checkbox][name=confirm][required]")
    label = boxes[0].find_element(By.XPATH, "..").text if boxes else ""
    if not re.search(r"decides \d+ completed and \d+ failed", label):
        problems.append(f"{closable}: the close form asks {label!r}, without the outcome counts")
    else:
        t.driver.execute_script("arguments[0].removeAttribute('required')", boxes[0])
        page = t.submit(form)
        if page.status != 422 or "Nothing was closed" not in page.text:
            problems.append(f"{closable}: closing without the confirmation answered {page.status}: {' '.join(flash(t))!r}")
        form = t.forms("/results/close")[0]
        form.find_element(By.NAME, "confirm").click()
        t.submit(form)
        run.shoot(t, "u7-closed")
        page = t.open(f"/sessions?status=in_progress", "en")
        roster = t.open(f"/sessions/{urllib.parse.quote(closable)}", "en")
        if re.search(r"\bin progress\b", roster.text, re.I) or not re.search(r"\bcompleted\b", roster.text):
            problems.append(f"{closable}: after closing the results the session page does not read completed")
    require(not problems, "; ".join(problems))
    return f"{code}: capacity raised, promotion named; {closable}: closed after confirming the counts"


def fill_date(b, form, name, value):
    b.driver.execute_script("arguments[0].value = arguments[1]", form.find_element(By.NAME, name), value)


def check_u8_french_leaks(run):
    problems = []
    a = run.login("u8-admin", "admin", "fr")
    # Dates in the wrong order on a session that has not started.
    codes = harness().sessions_with_status(a, "open")[0] + harness().sessions_with_status(a, "planned")[0]
    require(codes, "no open or planned session to edit")
    a.open(f"/sessions/{urllib.parse.quote(codes[0])}/edit", "fr")
    form = a.form_with_field("starts_on")
    start = form.find_element(By.NAME, "starts_on").get_attribute("value")
    y, m, d = map(int, start.split("-"))
    fill_date(a, form, "ends_on", f"{y - 1:04d}-{m:02d}-{d:02d}")
    page = a.submit(form)
    run.shoot(a, "u8-dates-order-fr")
    if "starts_on" in page.text or "ends_on" in page.text or "Début" not in page.text:
        problems.append(f"dates in the wrong order: {' '.join(flash(a))!r} / {[e.text for e in a.driver.find_elements(By.CSS_SELECTOR, '.field-error')]}")
    # A date typed in the wrong shape, on an attendance sheet's address.
    page = a.open(f"/sessions/{urllib.parse.quote(codes[0])}/attendance?day=15-03-2027", "fr")
    if "YYYY" in page.text or "AAAA-MM-JJ" not in page.text:
        problems.append(f"a malformed day says {page.text[:300]!r}")
    # A password too short, on an account's reset form.
    a.open("/users/formateur", "fr")
    form = a.form_with_field("password")
    form.find_element(By.NAME, "password").send_keys("court")
    page = a.submit(form)
    if "caractères" not in page.text:
        problems.append(f"a short password: {[e.text for e in a.driver.find_elements(By.CSS_SELECTOR, '.field-error, [role=alert]')]}")
    # A tampered credential pasted on /verify.
    serial = run.kalan.sample_serial
    with urllib.request.urlopen(f"{run.kalan.url}/verify/{serial}/credential.json", timeout=30) as response:
        credential = json.loads(response.read())
    credential.setdefault("credentialSubject", {})["name"] = "Quelqu'un d'autre"
    p = run.browser("u8-public")
    p.open("/verify", "fr")
    area = p.driver.find_element(By.NAME, "credential")
    p.driver.execute_script("arguments[0].value = arguments[1]", area, json.dumps(credential))
    page = p.submit(area.find_element(By.XPATH, "ancestor::form[1]"))
    run.shoot(p, "u8-tampered-fr")
    if "badSignature" in page.text or "modifié après sa signature" not in page.text:
        problems.append(f"a tampered credential: {' '.join(flash(p))!r}")
    require(not problems, "; ".join(problems))
    return "field labels, AAAA-MM-JJ, characters and 'modifié après sa signature' on French pages"


def check_u9_import_report_and_scores(run):
    problems = []
    hr = run.login("u9-drh", "drh", "en")
    with tempfile.TemporaryDirectory() as directory:
        path = os.path.join(directory, "bad.csv")
        with open(path, "w", encoding="utf-8") as f:
            f.write("matricule,prénom,nom,sexe,direction\n" + "".join(f"BAD {i},A,B,X,NOPE\n" for i in range(3)))
        hr.open("/trainees", "en")
        form = hr.form_with_field("file")
        form.find_element(By.NAME, "file").send_keys(path)
        page = hr.submit(form)
        run.shoot(hr, "u9-import-report")
        top = hr.driver.execute_script(
            "const r = document.getElementById('import-report'); const t = document.querySelector('table.stack:not(#import-report table)');"
            "return r ? [r.getBoundingClientRect().top + scrollY, r.innerText.slice(0, 200)] : null")
        if not top or top[0] > 900 or not re.search(r"\d+ problem", top[1]):
            problems.append(f"the import report is at {top and top[0]} px: {top and top[1]!r}")
        if not hr.driver.find_elements(By.CSS_SELECTOR, "#import-report ~ #import input[type=file], #import input[type=file]"):
            problems.append("no file field next to the report to send the file again")
        # The session expires while the file is chosen.
        hr.open("/trainees", "en")
        form = hr.form_with_field("file")
        form.find_element(By.NAME, "file").send_keys(path)
        hr.driver.delete_all_cookies()
        page = hr.submit(form)
        if "/login" not in urllib.parse.urlsplit(page.url).path:
            problems.append(f"an expired session during an import led to {page.path}")
        else:
            login = hr.form_with_field("username")
            login.find_element(By.NAME, "username").send_keys("drh")
            login.find_element(By.NAME, "password").send_keys(run.kalan.accounts["drh"])
            page = hr.submit(login)
            run.shoot(hr, "u9-import-expired")
            if "/trainees" not in page.path or "file was not received" not in page.text:
                problems.append(f"after an expired session during an import and a new login: {page.path} {' '.join(flash(hr))!r}")
    # An out-of-range score.
    t = run.login("u9-formateur", "formateur", "en")
    form = None
    for code in harness().sessions_with_status(t, "in_progress")[0]:
        form = harness().score_form(t, code)
        if form is not None and [i for i in harness().score_inputs(form) if i.is_enabled()]:
            break
    require(form is not None, "the trainer has no score form")
    field = next(i for i in harness().score_inputs(form) if i.is_enabled())
    name = field.get_attribute("name")
    t.driver.execute_script("arguments[0].value = '150'", field)
    page = t.submit(form)
    run.shoot(t, "u9-score-out-of-range")
    marked = t.driver.execute_script(
        "const f = document.querySelector(`input[name='${arguments[0]}']`); if (!f) return null;"
        "const d = document.getElementById(f.getAttribute('aria-describedby') || '');"
        "return [f.getAttribute('aria-invalid'), d ? d.innerText : null]", name)
    if not marked or marked[0] != "true" or not marked[1] or "100" not in marked[1]:
        problems.append(f"score 150 in {name}: the field is marked {marked}")
    require(not problems, "; ".join(problems))
    return f"import report at {top[0]:.0f} px; {name} marked aria-invalid with {marked[1]!r}"


def check_u10_statistics(run):
    problems = []
    d = run.login("u10-direction", "direction", "en")
    page = d.open("/statistics?by=course", "en")
    hidden = d.driver.execute_script(
        "const s = document.querySelector('.scroll'); return s ? [s.scrollWidth, s.clientWidth] : null")
    run.shoot(d, "u10-statistics-desktop")
    if not hidden or hidden[0] > hidden[1] + 1:
        problems.append(f"at 1366 px the table is {hidden and hidden[0]} px wide in a {hidden and hidden[1]} px box: its last columns hide")
    if not d.driver.find_elements(By.ID, "stats-definitions") or "Completion %:" not in page.text:
        problems.append("no definition of 'completion %' and 'pass %' beside the table")
    page = d.open("/statistics?by=quarter", "en")
    rows = d.driver.execute_script(
        "return Array.from(document.querySelectorAll('table.stats tbody tr')).map(tr => Array.from(tr.cells).map(c => c.textContent.trim()))")
    header = d.driver.execute_script("return Array.from(document.querySelectorAll('table.stats thead th')).map(th => th.textContent.trim())")
    column = next((i for i, h in enumerate(header) if h.lower().startswith("completion")), None)
    future = [r for r in rows if column is not None and r[header.index("completed")] == "0" and r[header.index("failed")] == "0"
              and r[header.index("enrolments")] != "0" and r[0] != "Total"]
    if future and any("to come" not in r[column] for r in future):
        problems.append(f"groups without any result show {[r[column] for r in future]}, not '— to come'")
    d.set_size("mobile")
    d.open("/statistics?by=course", "en")
    smallest = d.driver.execute_script(
        "const svg = document.querySelector('svg.chart'); if (!svg) return null;"
        "const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;"
        "return Math.min(...Array.from(svg.querySelectorAll('text')).map(t => parseFloat(getComputedStyle(t).fontSize) * scale))")
    run.shoot(d, "u10-statistics-mobile")
    d.set_size("desktop")
    if smallest is None or smallest < 12:
        problems.append(f"the chart's smallest text is {smallest} px on a 390 px phone")
    names = []
    for by in ("course", "quarter"):
        cookie = "; ".join(f"{c['name']}={c['value']}" for c in d.driver.get_cookies())
        request = urllib.request.Request(f"{run.kalan.url}/statistics/cohorts.csv?lang=en&by={by}", headers={"Cookie": cookie})
        with urllib.request.urlopen(request, timeout=60) as response:
            names.append(response.headers.get("Content-Disposition", ""))
    if len(set(names)) < 2 or "course" not in names[0]:
        problems.append(f"downloads are named {names}")
    require(not problems, "; ".join(problems))
    return f"table fits, rates defined, chart text {smallest:.1f} px on a phone, files {names}"


def check_u11_administration(run):
    problems = []
    a = run.login("u11-admin", "admin", "en")
    stamp = time.strftime("%H%M%S")
    username = f"u11-{stamp}"
    a.open("/users/new", "en")
    form = a.form_with_field("username")
    for name, value in (("username", username), ("display_name", "Awa Test"), ("password", "a-long-password-11")):
        form.find_element(By.NAME, name).send_keys(value)
    from selenium.webdriver.support.ui import Select
    Select(form.find_element(By.NAME, "role")).select_by_value("hr")
    a.submit(form)
    # The new account signs in elsewhere.
    other = run.browser("u11-other")
    other.login(username, "a-long-password-11", "en")
    # The admin changes the name and the role.
    a.open(f"/users/{username}", "en")
    form = a.form_with_field("display_name")
    field = form.find_element(By.NAME, "display_name")
    field.clear()
    field.send_keys("Awa Renamed")
    Select(form.find_element(By.NAME, "role")).select_by_value("viewer")
    page = a.submit(form)
    run.shoot(a, "u11-user-edited")
    if "Awa Renamed" not in page.text or "leadership" not in page.text.lower():
        problems.append(f"after the edit the account page reads {page.text[:300]!r}")
    # Disabled: the open session stops at once.
    form = next(f for f in a.forms(f"/users/{username}") if f.find_elements(By.CSS_SELECTOR, "input[name=action][value=disable]"))
    form.find_element(By.NAME, "confirm").click()
    a.submit(form)
    page = other.open("/sessions", "en")
    if "/login" not in urllib.parse.urlsplit(page.url).path:
        problems.append(f"a disabled account's open session still opens /sessions ({page.path})")
    # Countries from a list, in the page's language.
    for lang, name in (("fr", "Allemagne"), ("en", "Germany")):
        a.open("/partners/new", lang)
        options = a.driver.execute_script("return Array.from(document.querySelectorAll('select[name=country] option')).map(o => o.text)")
        if len(options) < 150 or name not in options:
            problems.append(f"/partners/new ({lang}): the country field offers {len(options)} choices, {name!r} {'among them' if name in options else 'not among them'}")
    # The skip link: first in the tab order, to the main content.
    from selenium.webdriver.common.keys import Keys
    a.open("/sessions", "en")
    a.driver.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    first = a.driver.execute_script("const e = document.activeElement; return [e.tagName, e.getAttribute('href'), e.innerText]")
    if first[1] != "#content":
        problems.append(f"the first Tab stop is {first}, not a skip link to the main content")
    require(not problems, "; ".join(problems))
    return f"{username}: renamed, made leadership, disabled (its session ended); countries listed; skip link {first[2]!r}"


def check_u12_audit_in_words(run):
    a = run.login("u12-admin", "admin", "fr")
    page = a.open("/audit", "fr")
    run.shoot(a, "u12-audit-fr")
    a.set_size("mobile")
    run.shoot(a, "u12-audit-mobile")
    a.set_size("desktop")
    text = page.text
    problems = []
    for code in ("user.login", "cli:unknown", "user:admin"):
        if code in text:
            problems.append(f"the audit log shows {code!r}")
    if "Connexion" not in text:
        problems.append("no sign-in in words ('Connexion')")
    changes = a.driver.execute_script("return Array.from(document.querySelectorAll('ul.changes li')).map(li => li.innerText)")
    raw = [c for c in changes if "{" in c or re.search(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", c, re.I)]
    if raw:
        problems.append(f"JSON or identifiers in the change column: {raw[:3]}")
    if not changes:
        problems.append("no change shown as fields")
    require(not problems, "; ".join(problems))
    return f"actions in words; changes such as {changes[:2]}"


CHECKS = [
    ("u1", "two-word searches (a '+' in GET forms) find the person everywhere", check_u1_two_word_search),
    ("u2", "/verify: a pasted serial is normalised; an unknown one is quoted as typed at 390 px", check_u2_verify_pasted_serial),
    ("u3", "a staff number typed in lower case enrols the person", check_u3_lower_case_staff_number),
    ("u4", "404, 405 and 403 are pages in the reader's language with the navigation", check_u4_error_pages),
    ("u5", "a download without a session leads to the login page and back", check_u5_download_without_session),
    ("u6", "attendance: read-only sheets, no false 'saved', a stale save lists every difference and applies them again", check_u6_attendance_honesty),
    ("u8", "French pages: field names, AAAA-MM-JJ, password characters, a tampered file in words", check_u8_french_leaks),
    ("u9", "the import report first (and an expired session said); an out-of-range score marked beside its field", check_u9_import_report_and_scores),
    ("u10", "statistics: columns visible, rates defined, 'to come', chart text ≥ 12 px on a phone, downloads named by grouping", check_u10_statistics),
    ("u11", "accounts edited and disabled at once, countries from a list, a skip link", check_u11_administration),
    ("u12", "the audit log in words", check_u12_audit_in_words),
    ("u7", "capacity promotions named, closing confirmed with counts, session completed, certificates due, who revokes", check_u7_results_and_seats),
]
