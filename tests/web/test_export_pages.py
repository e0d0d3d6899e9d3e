"""Downloads on the pages (issue 7): the patient and their clinician download the FHIR bundle
and each CSV with the browser's cookie, an outsider gets 404, and both the settings page and
the clinician's patient page link to every download."""

from __future__ import annotations

from fhir.resources.R4B.bundle import Bundle

from tests.web.conftest import Site

DOWNLOADS = ("fhir.json", "sessions.csv", "daily_pain.csv", "questionnaires.csv", "report.pdf")


def test_the_patient_and_their_clinician_download_each_file(site: Site) -> None:
    base = f"/records/{site.patient}"
    for email in ("pat@example.org", "doc@example.org"):
        browser = site.signed_in(email)
        bundle = browser.get(f"{base}/fhir.json")
        assert bundle.status_code == 200, (email, bundle.text)
        assert bundle.headers["content-type"].startswith("application/fhir+json")
        assert "attachment" in bundle.headers["content-disposition"]
        parsed = Bundle.model_validate_json(bundle.content)
        assert parsed.type == "collection"
        for table, header in (
            ("sessions", "date,start,minutes,kind"),
            ("daily_pain", "date,pain"),
            ("questionnaires", "instrument,date,score,answers"),
        ):
            answer = browser.get(f"{base}/{table}.csv")
            assert answer.status_code == 200, (email, table)
            assert answer.text.startswith(header)


def test_an_outsider_gets_404(site: Site) -> None:
    base = f"/records/{site.patient}"
    for email in ("outsider@example.org", "outsider-doc@example.org", "outsider-admin@example.org"):
        browser = site.signed_in(email)
        assert browser.get(f"{base}/fhir.json").status_code == 404, email
        assert browser.get(f"{base}/sessions.csv").status_code == 404, email


def test_settings_and_the_clinicians_patient_page_link_every_download(site: Site) -> None:
    settings = site.signed_in("pat@example.org").get("/settings").text
    patient_page = site.signed_in("doc@example.org").get(f"/clinician/patients/{site.patient}").text
    for page in (settings, patient_page):
        for download in DOWNLOADS:
            assert f'href="/records/{site.patient}/{download}"' in page
