"""Headless Chromium through Selenium: open a page and learn its HTTP status, log in through the
/login form, switch between a laptop and a phone viewport, take full-page screenshots."""

import base64
import json
import re
import shutil
import urllib.parse

from selenium import webdriver
from selenium.common.exceptions import TimeoutException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

SIZES = {
    "desktop": {"width": 1366, "height": 768, "deviceScaleFactor": 1, "mobile": False},
    "mobile": {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True},
}
MAX_SHOT_HEIGHT = 12000  # px; a longer page is cut there


def find_executable(*names):
    for name in names:
        path = shutil.which(name)
        if path:
            return path
    return None


class Page:
    """What a navigation ended on: final URL, HTTP status of the final document, and its text."""

    def __init__(self, url, status, statuses, lang, title, text, html, unstyled=(), console=()):
        self.url = url
        self.status = status  # the final document's status; None if unknown
        self.statuses = statuses  # every document status of the navigation, redirects first
        self.lang = lang
        self.title = title
        self.text = text
        self.html = html
        self.unstyled = list(unstyled)  # <link rel=stylesheet> the browser did not apply (blocked, 404…)
        self.console = list(console)  # console errors: CSP violations, failed resources, script errors

    @property
    def path(self):
        parts = urllib.parse.urlsplit(self.url)
        return parts.path + ("?" + parts.query if parts.query else "")

    def __repr__(self):
        return f"<Page {self.path} {self.status}>"


class Browser:
    bypass_csp = False  # diagnosis only (--bypass-csp): what the pages would look like were the CSP right
    # axe-core (PyPI axe-selenium-python) on every page a browser lands on, once per account, language
    # and path: serious and critical violations are collected here for browser_test.py's check x.
    axe = None  # an Axe-like factory (axe_selenium_python.Axe) when enabled
    axe_seen = set()
    axe_violations = []  # (account, lang, path, rule id, impact, help, [targets])
    axe_pages = 0

    def __init__(self, base_url, name="browser", page_timeout=30):
        self.base_url = base_url.rstrip("/")
        self.name = name
        self.size = "desktop"
        self.account = "public"
        options = webdriver.ChromeOptions()
        binary = find_executable("chromium", "chromium-browser", "google-chrome")
        if binary:
            options.binary_location = binary
        for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1366,768",
                    "--lang=fr-FR", "--no-first-run", "--disable-extensions", "--disable-background-networking",
                    "--hide-scrollbars"):
            options.add_argument(arg)
        options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
        driver = find_executable("chromedriver")
        service = Service(executable_path=driver) if driver else Service()
        self.driver = webdriver.Chrome(options=options, service=service)
        self.driver.set_page_load_timeout(page_timeout)
        self.driver.set_script_timeout(page_timeout)
        if Browser.bypass_csp:
            self.driver.execute_cdp_cmd("Page.setBypassCSP", {"enabled": True})
        self.set_size("desktop")

    # --- viewport -------------------------------------------------------------------------------

    def set_size(self, size):
        """A laptop (1366×768) or a phone (390×844, mobile viewport rules and touch)."""
        metrics = SIZES[size]
        self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
        self.driver.execute_cdp_cmd("Emulation.setTouchEmulationEnabled", {"enabled": metrics["mobile"], "maxTouchPoints": 5})
        self.size = size

    def inner_width(self):
        return self.driver.execute_script("return window.innerWidth")

    # --- navigation -----------------------------------------------------------------------------

    def url(self, path, lang=None):
        url = path if path.startswith("http") else self.base_url + path
        if lang:
            url = with_query(url, lang=lang)
        return url

    def open(self, path, lang=None):
        self.drain_log()
        self.driver.get(self.url(path, lang))
        return self.page()

    def submit(self, form, button=None):
        """Submits a form by clicking its submit button (as a person would) and waits for the next page."""
        self.driver.execute_script("window.__kalanOldPage = true")  # gone once the next page is loaded
        self.drain_log()
        if button is None:
            buttons = [b for b in form.find_elements(By.CSS_SELECTOR, "button, input[type=submit]")
                       if (b.get_attribute("type") or "submit").lower() == "submit"]
            button = buttons[0] if buttons else None
        if button is not None:
            self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", button)
            try:
                button.click()
            except WebDriverException:
                # The click may have raced the navigation it started; click again only if nothing moved.
                if self.still_on_old_page():
                    try:
                        self.driver.execute_script("arguments[0].click()", button)
                    except WebDriverException:
                        pass
        else:
            self.driver.execute_script("arguments[0].requestSubmit ? arguments[0].requestSubmit() : arguments[0].submit()", form)
        try:
            WebDriverWait(self.driver, 30, poll_frequency=0.1).until(lambda d: self.next_page_loaded())
        except TimeoutException:
            invalid = []
            try:
                invalid = self.driver.execute_script(
                    "return Array.from(arguments[0].elements).filter(e => e.willValidate && !e.checkValidity())"
                    ".map(e => (e.name || e.id) + ': ' + e.validationMessage)", form)
            except WebDriverException:
                pass
            raise AssertionError(f"the form did not submit within 30 s" + (f"; the browser refuses: {invalid[:5]}" if invalid else ""))
        return self.page()

    def still_on_old_page(self):
        try:
            return bool(self.driver.execute_script("return window.__kalanOldPage === true"))
        except WebDriverException:
            return False

    def next_page_loaded(self):
        try:
            return bool(self.driver.execute_script("return window.__kalanOldPage !== true && document.readyState === 'complete'"))
        except WebDriverException:  # between two documents
            return False

    def page(self):
        d = self.driver
        statuses = self.document_statuses()
        info = d.execute_script(
            "return {lang: document.documentElement.getAttribute('lang'), title: document.title,"
            " text: document.body ? document.body.innerText : '',"
            " unstyled: Array.from(document.querySelectorAll('link[rel~=stylesheet]')).filter(l => { try { return !l.sheet || l.sheet.cssRules.length === 0 } catch (e) { return true } })"
            ".map(l => l.getAttribute('href'))}")
        page = Page(d.current_url, statuses[-1] if statuses else None, statuses, info["lang"], info["title"], info["text"], d.page_source,
                    info["unstyled"], self.console_errors())
        self.run_axe(page)
        return page

    def run_axe(self, page):
        """axe-core on this page, the first time this account sees it in this language."""
        if Browser.axe is None or not page.url.startswith(self.base_url):
            return
        key = (self.account, page.lang, urllib.parse.urlsplit(page.url).path)
        if key in Browser.axe_seen:
            return
        Browser.axe_seen.add(key)
        try:
            axe = Browser.axe(self.driver)
            axe.inject()
            # The axe-core that axe-selenium-python ships (3.1.1) predates the HTML standard's
            # autocomplete="one-time-code" (the staff sign-in's code field, which phones fill from the SMS).
            self.driver.execute_script("axe.configure({checks: [{id: 'autocomplete-valid', options: {standaloneTerms: ['one-time-code']}}]})")
            results = axe.run(options='{"resultTypes": ["violations"]}')
        except WebDriverException as e:
            Browser.axe_violations.append((self.account, page.lang, key[2], "axe-did-not-run", "serious", str(e).splitlines()[0][:120], []))
            return
        Browser.axe_pages += 1
        for v in results.get("violations", []):
            if v.get("impact") in ("serious", "critical"):
                targets = [" ".join(map(str, n.get("target", []))) for n in v.get("nodes", [])[:3]]
                Browser.axe_violations.append((self.account, page.lang, key[2], v["id"], v["impact"], v.get("help", ""), targets))

    def drain_log(self):
        for kind in ("performance", "browser"):
            try:
                self.driver.get_log(kind)
            except WebDriverException:
                pass

    def console_errors(self):
        try:
            entries = self.driver.get_log("browser")
        except WebDriverException:
            return []
        return [e["message"] for e in entries if e.get("level") == "SEVERE" and "favicon.ico" not in e.get("message", "")]

    def document_statuses(self):
        """HTTP statuses of the documents loaded since the last drain (redirects included), in order."""
        statuses = []
        try:
            entries = self.driver.get_log("performance")
        except WebDriverException:
            return statuses
        for entry in entries:
            message = json.loads(entry["message"])["message"]
            params = message.get("params", {})
            if message.get("method") == "Network.requestWillBeSent" and params.get("type") == "Document" and params.get("redirectResponse"):
                statuses.append(params["redirectResponse"]["status"])
            elif message.get("method") == "Network.responseReceived" and params.get("type") == "Document":
                statuses.append(params["response"]["status"])
        return statuses

    # --- accounts -------------------------------------------------------------------------------

    def login(self, username, password, lang="fr"):
        """Fills and submits the /login form; returns the page it lands on."""
        login = self.open("/login", lang)
        if self.driver.get_cookies():  # another account's session: start afresh
            self.driver.delete_all_cookies()
            login = self.open("/login", lang)
        if login.status not in (200, None):
            raise AssertionError(f"/login answered {login.status}")
        form = self.form_with_field("username")
        form.find_element(By.NAME, "username").send_keys(username)
        form.find_element(By.NAME, "password").send_keys(password)
        self.account = username
        landed = self.submit(form)
        if "/login" in urllib.parse.urlsplit(landed.url).path:
            raise AssertionError(f"login as {username} stayed on {landed.path} ({landed.status}): {first_alert(self.driver)}")
        return landed

    def logout(self):
        if not self.driver.current_url.startswith(self.base_url):
            self.driver.get(self.base_url + "/healthz")
        self.driver.delete_all_cookies()
        self.account = "public"

    # --- page helpers ---------------------------------------------------------------------------

    def form_with_field(self, name):
        for form in self.driver.find_elements(By.TAG_NAME, "form"):
            if form.find_elements(By.NAME, name):
                return form
        raise AssertionError(f"no form with a field named {name!r} on {self.driver.current_url}")

    def forms(self, action_contains):
        """Forms whose action (without its query) contains the given text."""
        found = []
        for form in self.driver.find_elements(By.TAG_NAME, "form"):
            action = urllib.parse.urlsplit(form.get_attribute("action") or "").path
            if action_contains in action:
                found.append(form)
        return found

    def links(self):
        """Same-site links to pages (not downloads): (path with query, text)."""
        return self.driver.execute_script(
            "return Array.from(document.querySelectorAll('a[href]'))"
            ".filter(a => a.origin === location.origin && !a.hasAttribute('download') && !/\\.(zip|pdf|csv|xlsx|json|yaml|png|svg)$/i.test(a.pathname))"
            ".map(a => [a.pathname + a.search, a.innerText.trim()])")

    def alert_text(self):
        return first_alert(self.driver)

    # --- screenshots ----------------------------------------------------------------------------

    def screenshot(self, path):
        """The whole page, not just the viewport (cut at MAX_SHOT_HEIGHT): the viewport is made as tall
        as the page for the shot, so that sticky bars sit where they would at the end of the page."""
        width, height = self.page_size()
        metrics = dict(SIZES[self.size], height=max(SIZES[self.size]["height"], min(height, MAX_SHOT_HEIGHT)))
        self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
        try:
            width, height = self.page_size()
            clip = {"x": 0, "y": 0, "width": width, "height": min(height, MAX_SHOT_HEIGHT), "scale": 1}
            shot = self.driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True, "clip": clip})
        finally:
            self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", SIZES[self.size])
        with open(path, "wb") as f:
            f.write(base64.b64decode(shot["data"]))
        return path

    def page_size(self):
        return self.driver.execute_script(
            "const e = document.documentElement, b = document.body || e;"
            "return [Math.max(e.scrollWidth, b.scrollWidth, window.innerWidth), Math.max(e.scrollHeight, b.scrollHeight, window.innerHeight)]")

    def quit(self):
        try:
            self.driver.quit()
        except Exception:
            pass


def first_alert(driver):
    """Text of the first visible refusal on the page: role=alert, or a `.bad` verdict."""
    for element in driver.find_elements(By.CSS_SELECTOR, "[role=alert], .bad, .error"):
        try:
            if element.is_displayed() and element.text.strip():
                return element.text.strip()
        except WebDriverException:
            continue
    return None


def with_query(url, **params):
    parts = urllib.parse.urlsplit(url)
    query = [(k, v) for k, v in urllib.parse.parse_qsl(parts.query, keep_blank_values=True) if k not in params]
    query += list(params.items())
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))


def slug(text):
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower() or "home"
