"""The administrator's journey in a real browser (issue 12): from a fresh login, following links from
the home page, the admin creates a course with a prerequisite, an account for a partner trainer and
a session with two trainers; a trainer then cannot open /users (a 403 page). Screenshots of each page
at 1366×768 and 390×844, and a check that no form scrolls sideways on the phone."""

import urllib.parse

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from browser import first_alert

COURSE = "J-CYBER-ADV"
SESSION = "J-CYBER-2027-01"
TRAINER = "j-formateur-2"


class JourneyFailed(AssertionError):
    pass


def need(condition, message):
    if not condition:
        raise JourneyFailed(message)


def follow(b, path_prefix, lang="en"):
    """Opens the first link of the page whose path starts with path_prefix (as a person would click it)."""
    for href, _ in b.links():
        if urllib.parse.urlsplit(href).path == path_prefix or urllib.parse.urlsplit(href).path.startswith(path_prefix + "?"):
            return b.open(href)
    need(False, f"no link to {path_prefix} on {b.driver.current_url}")


def fill(form, name, value):
    field = form.find_element(By.NAME, name)
    if field.tag_name == "select":
        Select(field).select_by_value(value)
    elif (field.get_attribute("type") or "") == "date":
        form.parent.execute_script("arguments[0].value = arguments[1]", field, value)
    else:
        field.clear()
        field.send_keys(value)


def tick(form, name):
    box = form.find_element(By.NAME, name)
    form.parent.execute_script("arguments[0].scrollIntoView({block: 'center'})", box)
    if not box.is_selected():
        box.click()


def sideways(b):
    """Form controls that stick out of a 390 px window."""
    return b.driver.execute_script(
        "const w = document.documentElement.clientWidth; return Array.from(document.querySelectorAll('main input, main select, main textarea, main button'))"
        ".filter(e => e.type !== 'hidden').map(e => [e.name || e.innerText, e.getBoundingClientRect()])"
        ".filter(([n, r]) => r.width > 0 && (r.left < -0.5 || r.right > w + 0.5)).map(([n, r]) => n + ' ' + Math.round(r.left) + '..' + Math.round(r.right))")


def both_sizes(run, b, name):
    """A screenshot at each size; on the phone, no control sticks out sideways."""
    run.shoot(b, f"admin-{name}-desktop")
    b.set_size("mobile")
    try:
        out = sideways(b)
        run.shoot(b, f"admin-{name}-mobile")
        need(not out, f"{name}: controls outside the 390 px window: {out[:5]}")
    finally:
        b.set_size("desktop")


def check_admin_journey(run):
    """The admin creates a course with a prerequisite, a partner trainer's account and a session with two trainers."""
    b = run.login("admin-journey", "admin", "en")
    home = b.open("/", "en")
    need("JSON" not in home.text, "the admin's home page offers raw JSON")
    both_sizes(run, b, "home")

    # 1. A course with a prerequisite, from the catalogue's "New course" link.
    follow(b, "/courses")
    both_sizes(run, b, "courses")
    follow(b, "/courses/new")
    form = b.form_with_field("title_fr")
    prerequisite = form.find_elements(By.CSS_SELECTOR, "input[type=checkbox][name^='prerequisites.']")
    need(prerequisite, "the new course form offers no prerequisite")
    prerequisite_code = prerequisite[0].get_attribute("name").split(".", 1)[1]
    # First with a bad module line: refused beside the field, nothing created.
    for name, value in [("code", COURSE), ("title_fr", "Cybersécurité avancée de l'État"), ("title_en", "Advanced government cybersecurity"),
                        ("domain", "cybersecurity"), ("hours", "24"), ("pass_mark", "60"), ("min_attendance", "80"), ("validity_months", "36"),
                        ("modules", "Menaces | Threats | 8\nRéponse aux incidents | Incident response | huit")]:
        fill(form, name, value)
    tick(form, f"prerequisites.{prerequisite_code}")
    page = b.submit(form)
    need(page.status == 422 and b.driver.find_elements(By.ID, "f-modules-error"), f"a bad module line was not refused beside the field ({page.status})")
    both_sizes(run, b, "course-refused")
    form = b.form_with_field("title_fr")
    need(form.find_element(By.NAME, f"prerequisites.{prerequisite_code}").is_selected(), "the refused form lost the ticked prerequisite")
    fill(form, "modules", "Menaces | Threats | 8\nRéponse aux incidents | Incident response | 16")
    page = b.submit(form)
    need(page.status == 200 and f"/courses/{COURSE}" in page.url, f"the course was not created: {page.status} {page.url} {first_alert(b.driver)}")
    need(b.driver.find_element(By.NAME, f"prerequisites.{prerequisite_code}").is_selected(), "the saved course lost its prerequisite")
    need("Cybersécurité avancée de l'État" in page.html.replace("&#39;", "'").replace("&#x27;", "'"), "the French title is not shown as typed")
    both_sizes(run, b, "course-created")

    # 2. An account for a partner trainer (ITRC, the demo trainer's institution).
    b.open("/", "en")
    follow(b, "/users")
    both_sizes(run, b, "users")
    follow(b, "/users/new")
    form = b.form_with_field("username")
    for name, value in [("username", TRAINER), ("display_name", "Mehdi Karimi (ITRC)"), ("role", "trainer"), ("partner", "ITRC"),
                        ("password", "journey-pass-2027")]:
        fill(form, name, value)
    page = b.submit(form)
    need(page.status == 200 and f"/users/{TRAINER}" in page.url, f"the account was not created: {page.status} {page.url} {first_alert(b.driver)}")
    both_sizes(run, b, "user-created")

    # 3. A session of the new course with two trainers, from the sessions list's "New session" link.
    b.open("/", "en")
    follow(b, "/sessions")
    follow(b, "/sessions/new")
    form = b.form_with_field("course")
    for name, value in [("code", SESSION), ("course", COURSE), ("partner", "ITRC"), ("starts_on", "2027-03-01"), ("ends_on", "2027-03-05"),
                        ("mode", "in_person"), ("city", "Bamako"), ("country", "ML"), ("capacity", "12"), ("enrolment_deadline", "2027-02-15"),
                        ("status", "open")]:
        fill(form, name, value)
    both_sizes(run, b, "session-new")
    page = b.submit(form)
    need(page.status == 200 and f"/sessions/{SESSION}/edit" in page.url, f"the session was not created: {page.status} {page.url} {first_alert(b.driver)}")
    for trainer in ("formateur", TRAINER):
        choice = b.driver.find_element(By.CSS_SELECTOR, "select[name=trainer]")
        form = choice.find_element(By.XPATH, "./ancestor::form")
        Select(choice).select_by_value(trainer)
        page = b.submit(form)
        need(page.status == 200 and trainer in b.driver.find_element(By.ID, "trainers").text, f"{trainer} is not listed as the session's trainer")
    both_sizes(run, b, "session-edit")
    assigned = b.driver.find_elements(By.CSS_SELECTOR, "#trainers .plain-list li")
    need(len(assigned) == 2, f"the session lists {len(assigned)} trainers, not 2")
    # The roster links to the edit page.
    b.open(f"/sessions/{SESSION}", "en")
    need(any(f"/sessions/{SESSION}/edit" in href for href, _ in b.links()), "the roster does not link to the session's edit page")

    # 4. A trainer cannot open /users: a 403 page, not an empty body.
    t = run.browser("admin-journey-trainer")
    t.login(TRAINER, "journey-pass-2027", "en")
    refused = t.open("/users", "en")
    need(refused.status == 403 and refused.text.strip() and t.driver.find_elements(By.TAG_NAME, "h1"), f"/users for a trainer: {refused.status}")
    run.shoot(t, "admin-trainer-users-403")
    mine = t.open("/sessions", "en")
    need(SESSION in mine.text, "the new trainer does not see the session they were assigned to")
    return f"course {COURSE} (prerequisite {prerequisite_code}), account {TRAINER}, session {SESSION} with 2 trainers; trainer on /users: 403"


CHECKS = [("admin", "the administrator's job through the pages (issue 12)", check_admin_journey)]
