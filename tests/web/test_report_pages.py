"""The visit report's download page (issue 7): the patient and their clinician get the PDF with
their browser's cookie; anyone else 404; a bad date a plain 400 page."""

from __future__ import annotations

import subprocess

from pacewise.adapters.db.unit_of_work import UnitOfWork
from pacewise.services.accounts import add_user
from tests.web.conftest import PASSWORD, Site


def _text(pdf: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()


def test_the_patient_and_their_clinician_download_the_report(site: Site) -> None:
    url = f"/records/{site.patient}/report.pdf?start=2026-01-05&end=2026-02-01"
    for email in ("pat@example.org", "doc@example.org"):
        answer = site.signed_in(email).get(url)
        assert answer.status_code == 200, (email, answer.text[:200])
        assert answer.headers["content-type"] == "application/pdf"
        text = _text(answer.content)
        assert "Period: 5 Jan 2026 to 1 Feb 2026" in text
        assert "No records in this period" in text


def test_others_get_404_and_strangers_are_sent_to_sign_in(site: Site) -> None:
    url = f"/records/{site.patient}/report.pdf"
    for email in ("outsider@example.org", "outsider-doc@example.org", "outsider-admin@example.org"):
        assert site.signed_in(email).get(url).status_code == 404, email
    answer = site.browser().get(url)
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/sign-in?next=")


def test_bad_dates_get_a_plain_400_page(site: Site) -> None:
    browser = site.signed_in("pat@example.org")
    for query in ("start=2026-02-30", "start=2026-03-01&end=2026-02-01", "end=soon"):
        answer = browser.get(f"/records/{site.patient}/report.pdf?{query}")
        assert answer.status_code == 400, query
        assert answer.headers["content-type"].startswith("text/html")


def test_a_patient_without_a_plan_gets_a_plain_page_not_a_pdf(site: Site) -> None:
    new = add_user(
        UnitOfWork(site.engine),
        "new@example.org",
        "patient",
        clinician_email="doc@example.org",
        password=PASSWORD,
    )
    answer = site.signed_in("doc@example.org").get(f"/records/{new.id}/report.pdf")
    assert answer.status_code == 409
    assert "the clinician sets up the plan first" in answer.text
