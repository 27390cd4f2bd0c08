"""HR's journeys of issue 12, each from a fresh login (registered in browser_test.py's CHECKS):

h1. HR finds staff by an accent-less name, enrols three people by ticking them on a session page,
    one goes to the waitlist, withdraws a seat holder (after the confirmation page) and sees who
    was promoted.
h2. HR imports a Windows-1252 file (French Excel's semicolon CSV) and an .xlsx workbook; the names
    are stored with their accents, not as mojibake.
h3. HR issues a completed session's certificates and downloads the session's ZIP.
"""

import io
import os
import re
import tempfile
import time
import urllib.parse
import urllib.request
import zipfile

from selenium.webdriver.common.by import By

SEATS = re.compile(r"(\d+) of (\d+) seat\(s\) taken, (\d+) left · (\d+) waitlisted")
# Sessions of the demo data whose courses need no prerequisite, enrolment still open.
SESSIONS = ["S-TV-2027-01", "S-INNOV-2027-01", "S-DEMAT-2027-01", "S-TEL-2027-01"]
COMPLETED = "S-TEL-2025-01"


class JourneyFailed(AssertionError):
    pass


def require(condition, message):
    if not condition:
        raise JourneyFailed(message)


def flash(browser):
    """The lines of the page's flash message (status or alert)."""
    return browser.driver.execute_script(
        "return Array.from(document.querySelectorAll('.verdict p')).map(e => e.innerText.trim())") or []


def seats(browser, code):
    page = browser.open(f"/sessions/{urllib.parse.quote(code)}", "en")
    m = SEATS.search(page.text)
    require(m, f"{code}: the session page shows no 'N of C seat(s) taken, L left' line")
    return page, int(m.group(3)), int(m.group(4))


def tick(browser, code, search, count):
    """Searches on the session page, ticks `count` people offered and enrols them; returns the flash lines."""
    browser.open(f"/sessions/{urllib.parse.quote(code)}?find={urllib.parse.quote(search)}", "en")
    boxes = browser.driver.find_elements(By.CSS_SELECTOR, "fieldset.picks input[type=checkbox]")
    require(len(boxes) >= count, f"{code}: searching {search!r} offers {len(boxes)} people to tick, {count} needed")
    names = []
    for box in boxes[:count]:
        browser.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", box)
        box.click()
        names.append(box.get_attribute("value"))
    form = boxes[0].find_element(By.XPATH, "./ancestor::form")
    browser.submit(form)
    return names, flash(browser)


def check_h1_find_pick_waitlist_promotion(run):
    b = run.login("h1-drh", "drh", "en")
    found = b.open("/trainees?search=traore", "en")
    require("Traoré" in found.text, "searching 'traore' on /trainees does not list anyone named Traoré")
    count = re.search(r"(\d[\d,  ]*) staff member\(s\) found", found.text)
    require(count, "the register's search shows no result count")
    run.shoot(b, "h1-search-traore")

    code = left = None
    for candidate in SESSIONS:
        _, free, _ = seats(b, candidate)
        if free >= 2:
            code, left = candidate, free
            break
    require(code, f"none of {SESSIONS} has two seats left to show a waitlist")
    # Fill the session up to two seats left, by picking people too.
    for _ in range(4):
        if left <= 2:
            break
        tick(b, code, "a", min(left - 2, 20))
        _, left, _ = seats(b, code)
    require(left == 2, f"{code}: could not bring the session to two seats left (still {left})")

    picked, lines = tick(b, code, "traore", 3)
    run.shoot(b, "h1-after-picking-three")
    text = "\n".join(lines)
    seated = [n for n in picked if re.search(re.escape(n) + r"\): enrolled, a seat is taken", text)]
    waiting = [n for n in picked if re.search(re.escape(n) + r"\): waitlisted, position \d+", text)]
    require(len(seated) == 2 and len(waiting) == 1, f"{code}: picked {picked}; the message says {lines}")

    # Withdraw a seat holder: the page asks first, then says who was promoted.
    holder = seated[0]
    page = b.open(f"/sessions/{urllib.parse.quote(code)}", "en")
    forms = [f for f in b.forms("/confirm") if f.find_elements(By.CSS_SELECTOR, f"input[name=staff][value='{holder}']")]
    require(forms, f"{code}: no withdraw button on {holder}'s line")
    confirm = b.submit(forms[0])
    require("/confirm" in confirm.url and "Withdraw" in confirm.text, f"withdrawing did not ask for confirmation: {confirm.url}")
    run.shoot(b, "h1-confirm-withdraw")
    b.driver.find_element(By.NAME, "reason").send_keys("mission de service")
    b.submit(b.form_with_field("confirmed"))
    lines = flash(b)
    run.shoot(b, "h1-after-withdraw")
    text = "\n".join(lines)
    require(f"({holder}): withdrawn" in text, f"the message after withdrawing says {lines}")
    promoted = re.search(r"\(([^)]+)\): promoted from the waitlist", text)
    require(promoted, f"no promotion reported after withdrawing a seat holder: {lines}")
    return f"{code}: picked {picked}; {waiting[0]} waitlisted; withdrew {holder}; {promoted.group(1)} promoted"


def windows_1252_file(directory, number):
    rows = ["Matricule;Prénom;Nom;Sexe;Direction;Remarques", f"{number};Aïssata;Touré;F;DNT;à vérifier"]
    path = os.path.join(directory, "personnel-excel.csv")
    with open(path, "wb") as f:
        f.write("\r\n".join(rows).encode("cp1252") + b"\r\n")
    return path


def xlsx_file(directory, number):
    import openpyxl
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["matricule", "prénom", "nom", "sexe", "direction"])
    sheet.append([number, "Assétou", "Sangaré", "F", "dnt"])
    path = os.path.join(directory, "personnel.xlsx")
    book.save(path)
    return path


def upload(b, path):
    b.open("/trainees", "en")
    form = b.form_with_field("file")
    form.find_element(By.NAME, "file").send_keys(path)
    return b.submit(form)


def check_h2_imports(run):
    b = run.login("h2-drh", "drh", "en")
    stamp = time.strftime("%H%M%S")
    first, second = f"IMP-{stamp}-1", f"IMP-{stamp}-2"
    with tempfile.TemporaryDirectory() as directory:
        done = upload(b, windows_1252_file(directory, first))
        text = "\n".join(flash(b))
        run.shoot(b, "h2-import-windows-1252")
        require(done.status in (200, None) and "1 added" in text, f"the Windows-1252 import says {text!r} (HTTP {done.status})")
        require("Windows-1252" in text and "Remarques" in text, f"no word on the conversion or the ignored column: {text!r}")
        done = upload(b, xlsx_file(directory, second))
        text = "\n".join(flash(b))
        run.shoot(b, "h2-import-xlsx")
        require("1 added" in text and "Excel" in text, f"the .xlsx import says {text!r}")
    for number, name in [(first, "Touré"), (second, "Sangaré")]:
        page = b.open(f"/trainees/{number}", "en")
        require(name in page.text and "Ã" not in page.text, f"{number}: the page shows {page.text[:200]!r}, not {name}")
    return f"{first} Aïssata Touré (Windows-1252) and {second} Assétou Sangaré (.xlsx) stored with their accents"


def check_h3_certificates_zip(run):
    b = run.login("h3-drh", "drh", "en")
    b.open(f"/sessions/{COMPLETED}", "en")
    forms = b.forms(f"/sessions/{COMPLETED}/certificates")
    require(forms, f"{COMPLETED}: no button to issue the certificates")
    b.submit(forms[0])
    text = "\n".join(flash(b))
    run.shoot(b, "h3-certificates-issued")
    m = re.search(r"Certificates: (\d+) of (\d+) done", text)
    require(m and m.group(1) == m.group(2), f"issuing says {text!r}")
    links = [a.get_attribute("href") for a in b.driver.find_elements(By.CSS_SELECTOR, "a[href*='certificates.zip']")]
    require(links, f"{COMPLETED}: no link to the session's ZIP")
    cookie = "; ".join(f"{c['name']}={c['value']}" for c in b.driver.get_cookies())
    request = urllib.request.Request(links[0], headers={"Cookie": cookie})
    with urllib.request.urlopen(request, timeout=60) as response:
        body = response.read()
        kind = response.headers.get("Content-Type")
    archive = zipfile.ZipFile(io.BytesIO(body))
    pdfs = [n for n in archive.namelist() if n.endswith(".pdf")]
    require(kind == "application/zip" and len(pdfs) == int(m.group(2)), f"the ZIP ({kind}) holds {len(pdfs)} PDFs for {m.group(2)} certificates")
    require(all(archive.read(n).startswith(b"%PDF") for n in pdfs[:3]), "the ZIP's files are not PDFs")
    listing = b.open(f"/certificates?search={COMPLETED}", "en")
    run.shoot(b, "h3-certificates-list")
    require(COMPLETED in listing.text, "/certificates does not find the session's certificates")
    return f"{COMPLETED}: {m.group(1)} certificates, ZIP of {len(pdfs)} PDFs ({len(body) // 1024} KiB)"


CHECKS = [
    ("h1", "HR finds staff without accents, enrols three by picking, one waitlisted, withdraws and sees the promotion", check_h1_find_pick_waitlist_promotion),
    ("h2", "HR imports a Windows-1252 file and an .xlsx workbook without mojibake", check_h2_imports),
    ("h3", "HR issues a session's certificates and downloads the ZIP", check_h3_certificates_zip),
]
