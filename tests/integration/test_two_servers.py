"""Two server processes on one PostgreSQL database act as one app (issue 4): a user's session
cookie and API token work on either, a sign-out on one ends the session on the other, and
writes sent through both at once are all kept, each once.

PostgreSQL only, by nature: SQLite is one file for one machine. Without a PostgreSQL server
these tests fail, never skip (CI sets PACEWISE_TEST_POSTGRES_URL).
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from pacewise.adapters.db.engine import make_engine
from pacewise.adapters.db.models import PrescriptionVersion
from pacewise.adapters.db.unit_of_work import UnitOfWork
from pacewise.services.accounts import add_user, create_token
from pacewise.web.api.dependencies import CSRF_HEADER, SESSION_COOKIE
from tests.integration.conftest import (
    CLINIC_START,
    POSTGRES_ADMIN_URL,
    POSTGRES_ENV,
    postgres_admin,
    psycopg_url,
)

PASSWORD = "slow and steady every day"
PATIENT = "pat@example.org"
CLINICIAN = "doc@example.org"
START_TIMEOUT_S = 30
THREADS_PER_SERVER = 10
EACH = 5


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")


@dataclass
class Deployment:
    """Two servers on one database, with a patient (password and token) and their clinician."""

    a: Server
    b: Server
    database_url: str
    patient: int
    clinician: int
    patient_token: str
    clinician_token: str


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _start(database_url: str, log: Path) -> Server:
    port = _free_port()
    environment = {
        **os.environ,
        "PACEWISE_DATABASE_URL": database_url,
        "PACEWISE_ENVIRONMENT": "test",
    }
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "pacewise", "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=environment,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    return Server(f"http://127.0.0.1:{port}", process, log)


def _wait_until_healthy(server: Server) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        code = server.process.poll()
        if code is not None:
            pytest.fail(f"server {server.url} exited with {code}:\n{server.output()}")
        try:
            if httpx.get(f"{server.url}/api/v1/health", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    pytest.fail(
        f"server {server.url} did not answer within {START_TIMEOUT_S} s:\n{server.output()}"
    )


def _stop(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()


def _seed(database_url: str) -> tuple[int, int, str, str]:
    engine = make_engine(database_url)
    clinician = add_user(UnitOfWork(engine), CLINICIAN, "clinician").id
    patient = add_user(
        UnitOfWork(engine), PATIENT, "patient", clinician_email=CLINICIAN, password=PASSWORD
    ).id
    with UnitOfWork(engine) as uow:
        uow.prescriptions.add(
            PrescriptionVersion(
                patient_id=patient, condition="low_back_pain", start_date=CLINIC_START
            )
        )
        uow.commit()
    patient_token = create_token(UnitOfWork(engine), PATIENT, "phone")
    clinician_token = create_token(UnitOfWork(engine), CLINICIAN, "desk")
    engine.dispose()
    return patient, clinician, patient_token, clinician_token


@contextmanager
def _empty_database() -> Iterator[str]:
    """The URL of a new, empty PostgreSQL database, dropped afterwards."""
    if POSTGRES_ADMIN_URL is None:
        pytest.fail(
            f"two servers need a shared PostgreSQL: set {POSTGRES_ENV} or run one at "
            "127.0.0.1:5432 (user postgres, trust)"
        )
    name = f"pacewise_two_servers_{uuid.uuid4().hex[:12]}"
    postgres_admin(f'CREATE DATABASE "{name}"')
    try:
        yield psycopg_url(POSTGRES_ADMIN_URL, name)
    finally:
        postgres_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    """Both servers start at once on an empty database, so they also race to migrate it."""
    logs = tmp_path_factory.mktemp("servers")
    servers: list[Server] = []
    with _empty_database() as database_url:
        try:
            servers = [_start(database_url, logs / f"{label}.log") for label in ("a", "b")]
            for server in servers:
                _wait_until_healthy(server)
            seeded = _seed(database_url)
            yield Deployment(servers[0], servers[1], database_url, *seeded)
        finally:
            for server in servers:
                _stop(server)


def _sign_in(server: Server) -> tuple[str, str]:
    """(session cookie, CSRF token) of the patient, signed in through `server`."""
    signed = httpx.post(
        f"{server.url}/api/v1/session", json={"email": PATIENT, "password": PASSWORD}
    )
    assert signed.status_code == 200, signed.text
    cookie = signed.cookies.get(SESSION_COOKIE)
    assert cookie
    return cookie, signed.json()["csrf_token"]


def _browser(server: Server, cookie: str, csrf: str) -> httpx.Client:
    return httpx.Client(
        base_url=f"{server.url}/api/v1",
        cookies={SESSION_COOKIE: cookie},
        headers={CSRF_HEADER: csrf},
        timeout=30,
    )


def _app(server: Server, token: str) -> httpx.Client:
    return httpx.Client(
        base_url=f"{server.url}/api/v1", headers={"Authorization": f"Bearer {token}"}, timeout=30
    )


def _session(number: int) -> dict[str, Any]:
    """A session told apart from every other by its minutes and start time."""
    start = dt.datetime.combine(CLINIC_START, dt.time(6, 0)) + dt.timedelta(minutes=number)
    return {
        "date": (CLINIC_START + dt.timedelta(days=number % 28)).isoformat(),
        "start": start.strftime("%H:%M"),
        "minutes": 1 + number,
        "checkin": ["new_radiation"] if number % EACH == 0 else ["tired_muscles"],
    }


def _all_sessions(client: httpx.Client, patient: int) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    while True:
        page = client.get(
            f"/patients/{patient}/sessions", params={"limit": 50, "offset": len(items)}
        )
        assert page.status_code == 200, page.text
        body = page.json()
        items += body["items"]
        if len(items) >= body["total"] or not body["items"]:
            assert len(items) == body["total"]
            return items


def test_a_cookie_signed_in_on_one_server_reads_and_writes_on_the_other(
    deployment: Deployment,
) -> None:
    cookie, csrf = _sign_in(deployment.a)
    with (
        _browser(deployment.b, cookie, csrf) as on_b,
        _app(deployment.a, deployment.patient_token) as app_on_a,
    ):
        me = on_b.get("/me")
        assert me.status_code == 200, me.text
        assert me.json() == {"id": deployment.patient, "role": "patient"}
        logged = on_b.post(f"/patients/{deployment.patient}/sessions", json=_session(200))
        assert logged.status_code == 201, logged.text
        forged = on_b.post(
            f"/patients/{deployment.patient}/sessions",
            json=_session(201),
            headers={CSRF_HEADER: "guess"},
        )
        assert forged.status_code == 403
        listed = [item["id"] for item in _all_sessions(app_on_a, deployment.patient)]
        assert logged.json()["session_id"] in listed
        assert len(listed) == len(set(listed))


def test_a_token_works_on_both_servers(deployment: Deployment) -> None:
    for server in (deployment.a, deployment.b):
        with _app(server, deployment.patient_token) as app:
            assert app.get("/me").json() == {"id": deployment.patient, "role": "patient"}
        with _app(server, deployment.clinician_token) as desk:
            patients = desk.get("/clinician/patients")
            assert patients.status_code == 200, patients.text


def test_signing_out_on_one_server_ends_the_session_on_the_other(
    deployment: Deployment,
) -> None:
    cookie, csrf = _sign_in(deployment.a)
    with _browser(deployment.a, cookie, csrf) as on_a, _browser(deployment.b, cookie, csrf) as on_b:
        assert on_a.get("/me").status_code == 200
        assert on_b.delete("/session").status_code == 204
        assert on_a.get("/me").status_code == 401
        assert on_b.get("/me").status_code == 401
    with _app(deployment.a, deployment.patient_token) as app:
        assert app.get("/me").status_code == 200  # the token is not the session


def test_writes_sent_through_both_servers_at_once_are_all_kept_each_once(
    deployment: Deployment,
) -> None:
    cookie, csrf = _sign_in(deployment.b)
    patient = deployment.patient
    threads = 2 * THREADS_PER_SERVER
    ready = threading.Barrier(threads)

    def client_for(thread: int) -> httpx.Client:
        """Even threads call server A, odd ones B; by turns with the cookie, the patient's
        token and the clinician's token."""
        server = (deployment.a, deployment.b)[thread % 2]
        kind = thread // 2 % 3
        if kind == 0:
            return _browser(server, cookie, csrf)
        return _app(server, (deployment.patient_token, deployment.clinician_token)[kind - 1])

    def log_some(thread: int) -> list[tuple[int, dict[str, Any], httpx.Response]]:
        answers = []
        with client_for(thread) as client:
            ready.wait(timeout=30)
            for number in range(thread * EACH, (thread + 1) * EACH):
                body = _session(number)
                answers.append(
                    (thread, body, client.post(f"/patients/{patient}/sessions", json=body))
                )
        return answers

    with _app(deployment.a, deployment.clinician_token) as desk:
        before = {item["id"] for item in _all_sessions(desk, patient)}
    with ThreadPoolExecutor(threads) as pool:
        answers = [answer for batch in pool.map(log_some, range(threads)) for answer in batch]

    refused = [
        (body, reply.status_code, reply.text)
        for _, body, reply in answers
        if reply.status_code != 201
    ]
    assert not refused, refused
    sent = {reply.json()["session_id"]: body for _, body, reply in answers}
    assert len(sent) == threads * EACH
    assert not sent.keys() & before

    with _app(deployment.b, deployment.patient_token) as app:
        listed = _all_sessions(app, patient)
    stored = {item["id"]: item for item in listed}
    assert len(stored) == len(listed)
    assert stored.keys() == before | sent.keys()
    for session_id, body in sent.items():
        kept = stored[session_id]
        assert (kept["minutes"], kept["start"][:5], kept["date"]) == (
            body["minutes"],
            body["start"],
            body["date"],
        )
        assert kept["checkin"] == body["checkin"]

    by_clinician = sum(1 for thread, _, _ in answers if thread // 2 % 3 == 2)
    engine = make_engine(deployment.database_url)
    try:
        with UnitOfWork(engine) as uow:
            checkins = uow.sessions.checkins_for(patient)
            alerts = [a for a in uow.alerts.for_patient(patient) if a.session_id in sent]
            audited = [
                event
                for event in uow.audit.for_patient(patient)
                if event.action == "session.logged" and event.actor_id == deployment.clinician
            ]
    finally:
        engine.dispose()
    assert sent.keys() <= checkins.keys()
    assert len(alerts) == threads  # one warning sign per thread, each alerting once
    assert len(audited) == by_clinician


MIGRATE_ON_GO = """
import sys
from pacewise.adapters.db.engine import make_engine
from pacewise.adapters.db.migrate import upgrade
engine = make_engine(sys.argv[1])
engine.connect().close()
print("ready", flush=True)
sys.stdin.readline()
upgrade(engine)
"""


def test_servers_starting_together_on_an_empty_database_migrate_it_once() -> None:
    """What `pacewise serve` does first, started in two processes at the same instant."""
    with _empty_database() as database_url:
        processes = [
            subprocess.Popen(
                [sys.executable, "-c", MIGRATE_ON_GO, database_url],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(2)
        ]
        for process in processes:
            assert process.stdout is not None
            ready = process.stdout.readline().strip()
            assert ready == "ready", process.communicate(timeout=60)[1]
        for process in processes:
            assert process.stdin is not None
            process.stdin.write("go\n")
            process.stdin.flush()
        finished = [
            (process.communicate(timeout=60)[1], process.returncode) for process in processes
        ]
        assert [code for _, code in finished] == [0, 0], finished
        engine = make_engine(database_url)
        try:
            with engine.connect() as connection:
                versions = connection.execute(text("SELECT version_num FROM alembic_version"))
                assert len(versions.all()) == 1
        finally:
            engine.dispose()
