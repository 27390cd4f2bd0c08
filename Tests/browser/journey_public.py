"""The public's journey of issue 12 (registered in browser_test.py's CHECKS):

q. Someone holding a printed certificate scans its QR code with a phone: the PDF's QR code is read
   back (pdftoppm + zbarimg, as a phone's camera would), its address opened in a 390×844 window
   without an account, and the page says the certificate is genuine and valid.
"""

import os
import subprocess
import tempfile
import urllib.parse
import urllib.request


class JourneyFailed(AssertionError):
    pass


def require(condition, message):
    if not condition:
        raise JourneyFailed(message)


def check_q_qr_on_a_phone(run):
    serial = run.kalan.sample_serial
    require(serial, "the demo seed printed no certificate serial")
    with urllib.request.urlopen(f"{run.kalan.url}/verify/{serial}/certificate.pdf", timeout=60) as response:
        pdf = response.read()
    require(pdf.startswith(b"%PDF"), f"/verify/{serial}/certificate.pdf is not a PDF")
    with tempfile.TemporaryDirectory() as work:
        path = os.path.join(work, "certificate.pdf")
        with open(path, "wb") as f:
            f.write(pdf)
        subprocess.run(["pdftoppm", "-png", "-r", "150", "-f", "1", "-l", "1", path, os.path.join(work, "page")],
                       check=True, timeout=60, stdin=subprocess.DEVNULL)
        pages = sorted(n for n in os.listdir(work) if n.endswith(".png"))
        read = subprocess.run(["zbarimg", "-q", "--raw", os.path.join(work, pages[0])],
                              capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    url = read.stdout.strip()
    require(url.endswith(f"/verify/{serial}"), f"the QR code reads {url!r}, not the certificate's address")
    # The QR code holds the public address; this throwaway server listens on another port.
    b = run.browser("q-public-phone")
    b.set_size("mobile")
    page = b.open(urllib.parse.urlparse(url).path, "fr")
    run.shoot(b, "q-verify-from-qr-mobile")
    require(page.status == 200, f"{url}: HTTP {page.status}")
    require("authentique" in page.text.lower() and "valide" in page.text.lower(), f"the page does not say genuine and valid: {page.text[:300]!r}")
    require(b.inner_width() <= 390, f"the page is {b.inner_width()} px wide on a 390 px phone")
    return f"QR code of {serial} → {url}; the phone page says genuine and valid"


CHECKS = [("q", "the public verifies a certificate from its QR code on a phone", check_q_qr_on_a_phone)]
