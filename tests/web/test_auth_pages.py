"""Signing in and out through the pages; security headers on every answer (issue 5)."""

from __future__ import annotations

from tests.web.conftest import PASSWORD, Site, csrf_of


def test_a_page_sends_a_stranger_to_sign_in_and_back(site: Site) -> None:
    browser = site.browser()
    answer = browser.get("/today")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/sign-in?next=/today"
    signed = browser.post(
        "/sign-in", data={"email": "pat@example.org", "password": PASSWORD, "next": "/today"}
    )
    assert signed.status_code == 303
    assert signed.headers["location"] == "/today"
    cookie = signed.headers["set-cookie"].lower()
    assert "httponly" in cookie
    assert "samesite=lax" in cookie
    today = browser.get("/today")
    assert today.status_code == 200
    assert "Why this plan" in today.text


def test_a_wrong_password_says_so_without_saying_whether_the_account_exists(site: Site) -> None:
    browser = site.browser()
    wrong = browser.post("/sign-in", data={"email": "pat@example.org", "password": "nope"})
    unknown = browser.post("/sign-in", data={"email": "who@example.org", "password": "nope"})
    assert wrong.status_code == unknown.status_code == 400
    assert "not right" in wrong.text
    assert wrong.text.replace("pat@example.org", "X") == unknown.text.replace(
        "who@example.org", "X"
    )


def test_sign_in_never_sends_the_browser_to_another_site(site: Site) -> None:
    browser = site.browser()
    for target in ("//evil.example", "https://evil.example", "/\\evil.example"):
        answer = browser.post(
            "/sign-in", data={"email": "pat@example.org", "password": PASSWORD, "next": target}
        )
        assert answer.headers["location"] == "/today", target


def test_signing_out_needs_the_form_token(site: Site) -> None:
    browser = site.signed_in("pat@example.org")
    page = browser.get("/today")
    assert browser.post("/sign-out", data={}).status_code == 403
    assert browser.post("/sign-out", data={"csrf_token": "guess"}).status_code == 403
    assert browser.get("/today").status_code == 200
    out = browser.post("/sign-out", data={"csrf_token": csrf_of(page.text)})
    assert out.status_code == 303
    assert browser.get("/today").status_code == 303


def test_each_role_lands_on_its_own_home(site: Site) -> None:
    assert site.signed_in("pat@example.org").get("/").headers["location"] == "/today"
    doctor = site.signed_in("doc@example.org")
    assert doctor.get("/").headers["location"] == "/clinician"
    assert doctor.get("/today").status_code == 404


def test_every_answer_carries_the_security_headers(site: Site) -> None:
    browser = site.signed_in("pat@example.org")
    for path in ("/sign-in", "/today", "/static/pacewise.css", "/api/v1/health", "/nowhere"):
        headers = browser.get(path).headers
        policy = headers["content-security-policy"]
        assert "script-src 'self'" in policy, path
        assert "frame-ancestors 'none'" in policy, path
        assert "unsafe-inline" not in policy, path
        assert headers["x-frame-options"] == "DENY", path
        assert headers["x-content-type-options"] == "nosniff", path


def test_a_page_asked_with_a_bad_address_answers_with_a_page_not_json(site: Site) -> None:
    doctor = site.signed_in("doc@example.org")
    answer = doctor.get("/clinician?offset=-1")
    assert answer.status_code == 400
    assert answer.headers["content-type"].startswith("text/html")
    assert "not as expected" in answer.text
    api = doctor.get("/api/v1/clinician/patients?offset=-1")
    assert api.status_code == 422
    assert api.json()["detail"][0]["field"] == "offset"
