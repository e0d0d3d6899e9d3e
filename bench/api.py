"""Benchmark: the JSON API under load, on SQLite and on PostgreSQL (issue 4).

Seeds a clinic into a fresh database (1,000 patients by default, each with a year of history:
sessions on the plan's days as it grows, 3 to 6 a week, daily pain ratings, a weekly PEG, flares,
check-ins with now and then a warning sign that raised an alert, most of them cleared), spread over
clinicians of 50 patients each. Then starts the real server (2 processes of `pacewise serve`, the
clients split over them as a load balancer would) and drives one endpoint at a time with 50
concurrent clients over loopback (aiohttp, which needs a tenth of httpx's CPU per request: the
clients share the machine with the server). The baseline, measured in the same run on the same
server, is GET /health: no database, no caller. Reads are measured twice, because the app keeps
replays and rankings: first views (every patient's plan, every clinician's list, once each: nothing
cached) and the same request again and again for a bounded time (cached); then logging a session.
Then the night: every stored ranking is set to yesterday's, the refresh the queue runs every minute
replays them all (timed here, in this process), and on fresh server processes every clinician opens
their list for the first time that day. Last, it shows where one request's time goes: single
requests on an idle server, and the uncached work under them (loading a year from the database,
replaying it through the engine) timed here.
Prints figures, ratios and the issue's goals; asserts nothing about time.

    python bench/api.py [--backend sqlite|postgresql|both] [--patients 1000] [--clients 50]
                        [--seconds 15] [--workers 2] [--server serve|uvicorn] [--quick]
                        [--json FILE] [--no-breakdown]
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import datetime as dt
import json
import math
import os
import platform
import pstats
import random
import re
import secrets
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import AsyncExitStack, contextmanager
from dataclasses import asdict, dataclass, field
from importlib.metadata import version
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import aiohttp
import httpx
import psycopg
from rich.console import Console
from rich.table import Table
from sqlalchemy import Engine, func, insert, select, text, update
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session as DbSession

import pacewise
from pacewise.adapters.db.engine import POOL_OVERFLOW, POOL_SIZE, is_sqlite, make_engine
from pacewise.adapters.db.migrate import upgrade
from pacewise.adapters.db.models import (
    ActivitySession,
    AcupunctureVisitRecord,
    AlertRecord,
    ApiToken,
    Base,
    CareRelationship,
    CheckIn,
    DailyPain,
    FlareReport,
    PatientStatus,
    PrescriptionVersion,
    QuestionnaireResponse,
    User,
)
from pacewise.adapters.db.unit_of_work import UnitOfWork
from pacewise.domain import (
    Condition,
    History,
    Kind,
    Prescription,
    prescription_for,
    run_protocol,
    triage,
)
from pacewise.domain.scoring import score_peg
from pacewise.domain.urgency import attention
from pacewise.domain.wording import day_words
from pacewise.services.accounts import TOKEN_PREFIX, token_hash
from pacewise.services.clinician import refresh_rankings
from pacewise.services.passwords import hash_password
from pacewise.services.records import load_history
from pacewise.web.app import WORKER_THREADS

HOST = "127.0.0.1"
API = "/api/v1"
POSTGRES_ENV = "PACEWISE_TEST_POSTGRES_URL"
LOCAL_POSTGRES = "postgresql://postgres@127.0.0.1:5432/postgres"
BENCH_PASSWORD = "a bench pass phrase, never used to sign in"
PATIENTS_PER_TRANSACTION = 100
REQUEST_TIMEOUT_S = 60.0
WARM_UP_S = 1.0
BREAKDOWN_REPEATS = 10
PLAN_AND_LIST_P95_GOAL_MS = 100.0
PACED = ("plan", "patient_list", "log_session")
"""Endpoints measured again at a fixed pace (`--paced-rate`)."""
LOGGING_SHARE_GOAL = 0.5

NORMAL_SENSATIONS = ("tired_muscles", "mild_pain_increase", "effort_warmth", "stiffness_eases")
ASSESS_SIGNS = ("worsening_during", "new_radiation", "joint_swelling")
STOP_SIGNS = ("dizziness_or_fainting", "joint_instability")

Row = dict[str, Any]


# --- the synthetic clinic ------------------------------------------------------------------------


@dataclass
class PatientYear:
    """One patient's year as table rows; ids and `patient_id` are filled in when inserted.

    `checkins` and `alerts` are keyed by the index of their session in `sessions`.
    """

    condition: str
    settings: Row
    sessions: list[Row] = field(default_factory=list)
    checkins: dict[int, Row] = field(default_factory=dict)
    alerts: dict[int, Row] = field(default_factory=dict)
    daily_pain: list[Row] = field(default_factory=list)
    flares: list[Row] = field(default_factory=list)
    acupuncture: list[Row] = field(default_factory=list)
    questionnaires: list[Row] = field(default_factory=list)


def _pain(value: float) -> int:
    return max(0, min(10, round(value)))


def patient_year(rng: random.Random, start: dt.date, days: int) -> PatientYear:
    """A plausible year that follows the plan: planned days mostly done, growing by the rules
    (baseline weeks, +10 % a week after a week that met its quota, longer sessions to the cap,
    then more sessions, to the weekly target), stepping back after a flare."""
    condition = rng.choice(list(Condition))
    per_week = rng.choice((3, 4, 5))
    rx = prescription_for(condition, sessions_per_week=per_week)
    year = PatientYear(condition.value, {"sessions_per_week": per_week})
    last = start + dt.timedelta(days=days - 1)
    flare_days = {
        start + dt.timedelta(days=rng.randrange(21, days)): rng.random() < 0.3
        for _ in range(rng.randrange(0, 4))
    }
    year.flares = [
        {"date": day, "severe": severe, "note": ""} for day, severe in flare_days.items()
    ]

    usual = rng.uniform(4.5, 7.0)
    pain: dict[dt.date, int] = {}
    flare_left = 0
    for number in range(days):
        day = start + dt.timedelta(days=number)
        flare_left = 4 if day in flare_days else max(0, flare_left - 1)
        level = usual - 1.5 * number / days + (3 if flare_left else 0) + rng.gauss(0, 0.8)
        if rng.random() < 0.85:
            pain[day] = _pain(level)
    year.daily_pain = [{"date": day, "pain": rating} for day, rating in pain.items()]

    adherence = rng.uniform(0.72, 0.97)
    session_minutes = rx.baseline_minutes
    for week in range((days + 6) // 7):
        week_start = start + dt.timedelta(days=7 * week)
        planned_days = {round(i * 7 / per_week) for i in range(per_week)}
        done = 0.0
        for offset in range(7):
            day = week_start + dt.timedelta(days=offset)
            if day > last:
                break
            planned = offset in planned_days
            if (planned and rng.random() < adherence) or (not planned and rng.random() < 0.04):
                minutes = round(max(1.0, session_minutes * rng.uniform(0.8, 1.25)), 1)
                kinds = (rx.main_kind, rx.main_kind, *rx.variety_kinds)
                kind = rx.main_kind if week + 1 < rx.consolidation_from_week else rng.choice(kinds)
                _add_session(rng, year, day, minutes, kind, pain.get(day), rx)
                done += minutes
        if rng.random() < 0.75 and week_start + dt.timedelta(days=6) <= last:
            answered = week_start + dt.timedelta(days=6)
            items = [_pain(usual - week * 0.02 + rng.gauss(0, 1)) for _ in range(3)]
            year.questionnaires.append(
                {
                    "instrument": "PEG",
                    "answered_on": answered,
                    "answers": dict(zip(("pain", "enjoyment", "activity"), items, strict=True)),
                    "score": score_peg(*items).score,
                }
            )
        flared = any(week_start <= day < week_start + dt.timedelta(days=7) for day in flare_days)
        planned_minutes = session_minutes * per_week
        if flared:
            session_minutes = max(rx.floor_minutes, session_minutes * 0.7)
        elif week + 1 >= rx.baseline_weeks and done >= rx.adherence_threshold * planned_minutes:
            weekly = min(rx.weekly_target_minutes, planned_minutes * (1 + rx.progression_rate))
            if weekly / per_week > rx.max_session_minutes and per_week < rx.max_sessions_per_week:
                per_week += 1
            session_minutes = min(rx.max_session_minutes, weekly / per_week)

    if rng.random() < 0.2:
        year.acupuncture = [
            {"date": start + dt.timedelta(days=d), "pain_before": 6, "pain_after": 4, "notes": ""}
            for d in range(0, min(days, 90), 14)
        ]
    return year


def _add_session(
    rng: random.Random,
    year: PatientYear,
    day: dt.date,
    minutes: float,
    kind: Kind,
    pain_before: int | None,
    rx: Prescription,
) -> None:
    """One session, and most times a check-in; about 1 in 50 check-ins has a warning sign, which
    raised an alert that the clinician cleared within a few days (the last few are still open)."""
    pain_after = None if pain_before is None else _pain(pain_before + rng.choice((-1, 0, 0, 1)))
    index = len(year.sessions)
    year.sessions.append(
        {
            "date": day,
            "start_time": dt.time(rng.choice((8, 10, 17)), 0),
            "minutes": minutes,
            "kind": kind.value,
            "effort": rng.randint(2, 7) if rng.random() < 0.5 else None,
            "pain_before": pain_before,
            "pain_after": pain_after,
            "source": "manual",
            "source_id": uuid.UUID(int=rng.getrandbits(128)).hex,
        }
    )
    if rng.random() >= 0.6:
        return
    roll = rng.random()
    if roll < 0.003:
        codes: tuple[str, ...] = (rng.choice(STOP_SIGNS),)
    elif roll < 0.02:
        codes = (rng.choice(ASSESS_SIGNS),)
    else:
        codes = tuple(rng.sample(NORMAL_SENSATIONS, rng.choice((1, 1, 2))))
    result = triage(codes, pain_before, pain_after, rx)
    year.checkins[index] = {
        "codes": list(codes),
        "level": result.level.value,
        "reasons": list(result.reasons),
        "card": result.card,
    }
    if result.raises_alert:
        cleared_on = day + dt.timedelta(days=rng.randint(1, 6))
        still_open = cleared_on > dt.datetime.now(dt.UTC).date()
        year.alerts[index] = {
            "raised_on": day,
            "level": result.level.value,
            "reason": f"{'; '.join(result.reasons)} ({day_words(day)})",
            "cleared_on": None if still_open else cleared_on,
            "cleared_at": None
            if still_open
            else dt.datetime.combine(cleared_on, dt.time(12), tzinfo=dt.UTC),
            "clear_note": "" if still_open else "reviewed at the next appointment",
        }


# --- seeding -------------------------------------------------------------------------------------


@dataclass
class Seeded:
    """What was stored: who is who, their bearer tokens, and the row counts read back."""

    start: dt.date
    until: dt.date
    patient_ids: list[int]
    patient_tokens: list[str]
    clinician_ids: list[int]
    clinician_tokens: list[str]
    clinician_of: dict[int, int]
    counts: dict[str, int]
    seconds: float
    transactions: int


def _new_token() -> tuple[str, str]:
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    return token, token_hash(token)


def _insert(db: DbSession, model: type[Base], rows: Sequence[Row]) -> None:
    """One executemany through the ORM model (SQLAlchemy batches it into multi-row INSERTs).

    `render_nulls` keeps rows with and without None values in one batch; ids are read back
    afterwards by a natural key rather than with RETURNING, which SQLAlchemy can only keep in
    order row by row on SQLite.
    """
    if rows:
        db.execute(insert(model).execution_options(render_nulls=True), list(rows))


def _add_users(db: DbSession, emails: Sequence[str], role: str, password: str) -> list[int]:
    rows = [
        {"email": e, "role": role, "display_name": e.split("@")[0], "password_hash": password}
        for e in emails
    ]
    _insert(db, User, rows)
    query = select(User.email, User.id).where(User.email.in_(emails))
    found = dict(db.execute(query).all())
    return [found[email] for email in emails]


def _add_tokens(db: DbSession, user_ids: Sequence[int]) -> list[str]:
    tokens = [_new_token() for _ in user_ids]
    rows = [
        {"user_id": user_id, "name": "bench", "token_hash": digest}
        for user_id, (_, digest) in zip(user_ids, tokens, strict=True)
    ]
    _insert(db, ApiToken, rows)
    return [token for token, _ in tokens]


def _store_accounts(
    db: DbSession,
    emails: Sequence[str],
    years: Sequence[PatientYear],
    clinicians: Sequence[int],
    start: dt.date,
    password: str,
) -> tuple[list[int], list[str]]:
    """The patients' accounts, tokens, care links and starting prescriptions."""
    patient_ids = _add_users(db, emails, "patient", password)
    tokens = _add_tokens(db, patient_ids)
    pairs = list(zip(patient_ids, clinicians, strict=True))
    _insert(db, CareRelationship, [{"clinician_id": c, "patient_id": p} for p, c in pairs])
    started_at = dt.datetime.combine(start, dt.time(9), tzinfo=dt.UTC)
    prescriptions = [
        {
            "patient_id": patient_id,
            "condition": year.condition,
            "start_date": start,
            "effective_from": start,
            "settings": year.settings,
            "changed_by": clinician,
            "changed_at": started_at,
            "note": "starting prescription",
        }
        for (patient_id, clinician), year in zip(pairs, years, strict=True)
    ]
    _insert(db, PrescriptionVersion, prescriptions)
    # As the app leaves a patient it made and wrote to: a record version (which caches key on),
    # no clinician's ranking computed yet.
    statuses = [{"patient_id": p, "version": 1, "computed_version": -1} for p in patient_ids]
    _insert(db, PatientStatus, statuses)
    return patient_ids, tokens


def _store_years(
    db: DbSession,
    patient_ids: Sequence[int],
    years: Sequence[PatientYear],
    clinicians: Sequence[int],
) -> None:
    """The patients' records; check-ins and alerts point at their session by its id."""
    _insert(db, ActivitySession, _with_patient(patient_ids, years, lambda y: y.sessions))
    query = select(ActivitySession.source_id, ActivitySession.id).where(
        ActivitySession.patient_id.in_(patient_ids)
    )
    session_id = dict(db.execute(query).all())
    checkins: list[Row] = []
    alerts: list[Row] = []
    for patient_id, year, clinician in zip(patient_ids, years, clinicians, strict=True):
        for index, checkin in year.checkins.items():
            session = session_id[year.sessions[index]["source_id"]]
            checkins.append({**checkin, "session_id": session, "patient_id": patient_id})
        for index, alert in year.alerts.items():
            session = session_id[year.sessions[index]["source_id"]]
            raised_at = dt.datetime.combine(alert["raised_on"], dt.time(18), tzinfo=dt.UTC)
            cleared_by = clinician if alert["cleared_on"] else None
            alerts.append(
                {
                    **alert,
                    "session_id": session,
                    "patient_id": patient_id,
                    "raised_at": raised_at,
                    "cleared_by": cleared_by,
                }
            )
    _insert(db, CheckIn, checkins)
    _insert(db, AlertRecord, alerts)
    _insert(db, DailyPain, _with_patient(patient_ids, years, lambda y: y.daily_pain))
    _insert(db, FlareReport, _with_patient(patient_ids, years, lambda y: y.flares))
    _insert(db, AcupunctureVisitRecord, _with_patient(patient_ids, years, lambda y: y.acupuncture))
    _insert(
        db, QuestionnaireResponse, _with_patient(patient_ids, years, lambda y: y.questionnaires)
    )


def _with_patient(
    patient_ids: Sequence[int],
    years: Sequence[PatientYear],
    rows_of: Callable[[PatientYear], list[Row]],
) -> list[Row]:
    return [
        {**row, "patient_id": patient_id}
        for patient_id, year in zip(patient_ids, years, strict=True)
        for row in rows_of(year)
    ]


COUNTED = {
    "users": User,
    "care_relationships": CareRelationship,
    "prescriptions": PrescriptionVersion,
    "api_tokens": ApiToken,
    "activity_sessions": ActivitySession,
    "checkins": CheckIn,
    "alerts": AlertRecord,
    "daily_pain": DailyPain,
    "flares": FlareReport,
    "acupuncture_visits": AcupunctureVisitRecord,
    "questionnaire_responses": QuestionnaireResponse,
    "patient_status": PatientStatus,
}


def settle(engine: Engine) -> None:
    """Leave the freshly seeded database as a long-running one would be: statistics gathered,
    and on PostgreSQL the bulk-written pages vacuumed and checkpointed. Without this,
    PostgreSQL's autovacuum of hundreds of thousands of new rows and its checkpoint ran during
    the measurements (seen as most of a core of "other CPU")."""
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))
            connection.execute(text("CHECKPOINT"))
        return
    with engine.connect() as connection:  # SQLite checkpoints its WAL as it commits
        connection.execute(text("ANALYZE"))
        connection.commit()


def seed_clinic(engine: Engine, patients: int, per_clinician: int, days: int, seed: int) -> Seeded:
    """Bulk inserts through the ORM models, a transaction per 100 patients, then ANALYZE."""
    began = time.perf_counter()
    until = dt.datetime.now(dt.UTC).date()
    start = until - dt.timedelta(days=days - 1)
    rng = random.Random(seed)
    password = hash_password(BENCH_PASSWORD)  # hashed once: argon2 is slow on purpose
    clinicians = math.ceil(patients / per_clinician)
    transactions = 1
    with DbSession(engine) as db, db.begin():
        emails = [f"clinician{n:03d}@bench.example.org" for n in range(clinicians)]
        clinician_ids = _add_users(db, emails, "clinician", password)
        clinician_tokens = _add_tokens(db, clinician_ids)
    patient_ids: list[int] = []
    patient_tokens: list[str] = []
    clinician_of: dict[int, int] = {}
    for first in range(0, patients, PATIENTS_PER_TRANSACTION):
        numbers = range(first, min(patients, first + PATIENTS_PER_TRANSACTION))
        emails = [f"patient{n:05d}@bench.example.org" for n in numbers]
        carers = [clinician_ids[n // per_clinician] for n in numbers]
        years = [patient_year(rng, start, days) for _ in numbers]
        with DbSession(engine) as db, db.begin():
            ids, tokens = _store_accounts(db, emails, years, carers, start, password)
            _store_years(db, ids, years, carers)
        transactions += 1
        patient_ids += ids
        patient_tokens += tokens
        clinician_of.update(zip(ids, carers, strict=True))
    settle(engine)
    with engine.connect() as connection:
        counts = {
            name: connection.scalar(select(func.count()).select_from(model)) or 0
            for name, model in COUNTED.items()
        }
        counts["alerts_open"] = (
            connection.scalar(
                select(func.count())
                .select_from(AlertRecord)
                .where(AlertRecord.cleared_on.is_(None))
            )
            or 0
        )
    return Seeded(
        start,
        until,
        patient_ids,
        patient_tokens,
        clinician_ids,
        clinician_tokens,
        clinician_of,
        counts,
        time.perf_counter() - began,
        transactions,
    )


# --- databases and the server --------------------------------------------------------------------


def postgres_admin_url() -> str | None:
    """The admin URL (PACEWISE_TEST_POSTGRES_URL, else the local server) if it answers."""
    url = os.environ.get(POSTGRES_ENV) or LOCAL_POSTGRES
    url = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    try:
        with psycopg.connect(url, connect_timeout=3):
            return url
    except psycopg.OperationalError:
        return None


@contextmanager
def sqlite_database() -> Iterator[str]:
    with tempfile.TemporaryDirectory(prefix="pacewise-bench-") as folder:
        yield f"sqlite:///{Path(folder) / 'pacewise.sqlite3'}"


@contextmanager
def postgres_database(admin_url: str) -> Iterator[str]:
    """A uniquely named database, dropped at the end whatever happened."""
    name = f"pacewise_bench_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def database_version(engine: Engine) -> str:
    if is_sqlite(engine.url.render_as_string()):
        return f"SQLite {sqlite3.sqlite_version}"
    with engine.connect() as connection:
        shown = connection.scalar(text("SHOW server_version")) or "?"
    return f"PostgreSQL {shown}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass(frozen=True)
class Server:
    base_urls: tuple[str, ...]  # client i talks to base_urls[i % len(base_urls)]
    pids: tuple[int, ...]
    description: str
    database: str | None  # PostgreSQL's database name, to find its backends' CPU


def describe_server(mode: str, workers: int) -> str:
    loop = "uvloop" if find_spec("uvloop") else "asyncio"
    http = "httptools" if find_spec("httptools") else "h11"
    stack = f"uvicorn {version('uvicorn')} ({http}, {loop} loop)"
    pool = (
        f"in each process {POOL_SIZE} pooled connections (up to {POOL_OVERFLOW} more for a "
        f"burst) and at most {WORKER_THREADS} requests at once in worker threads"
    )
    if mode == "serve":
        return (
            f"{workers} x `pacewise serve` (one process each, as the command runs: {stack}, "
            f"access log on, no worker thread: the rankings' refresh is run and timed here), "
            f"each on its own port, the clients split evenly over them as a load balancer "
            f"would; {pool}"
        )
    return (
        f"python -m uvicorn pacewise.web.app:create_app --factory --workers {workers} ({stack}, "
        f"access log off; its supervisor's socket loses TCP_NODELAY on Linux, uvicorn issue "
        f"#3149, so each keep-alive answer waits ~40 ms for a delayed ACK); {pool}"
    )


def server_commands(mode: str, workers: int) -> list[list[str]]:
    """One command per process, each with {port} to fill in."""
    if mode == "serve":
        serve = [sys.executable, "-m", "pacewise", "serve", "--host", HOST, "--port", "{port}"]
        return [serve] * workers
    uvicorn = [sys.executable, "-m", "uvicorn", "pacewise.web.app:create_app", "--factory"]
    options = ["--host", HOST, "--port", "{port}", "--workers", str(workers)]
    return [[*uvicorn, *options, "--log-level", "warning", "--no-access-log"]]


@contextmanager
def running_server(database_url: str, mode: str, workers: int, logs: Path) -> Iterator[Server]:
    """The real server in subprocesses on free loopback ports; stopped cleanly at the end."""
    environment = {
        **os.environ,
        "PACEWISE_DATABASE_URL": database_url,
        "PACEWISE_SERVE_RUNS_WORKER": "false",  # the benchmark runs the ranking refresh itself
        "PACEWISE_DATA_DIR": str(logs),
    }
    logs.mkdir(parents=True, exist_ok=True)
    processes: list[tuple[subprocess.Popen[bytes], str, Path]] = []
    try:
        for number, command in enumerate(server_commands(mode, workers)):
            port = free_port()
            log_path = logs / f"server-{number}.log"
            with log_path.open("wb") as log:
                process = subprocess.Popen(
                    [part.replace("{port}", str(port)) for part in command],
                    env=environment,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            processes.append((process, f"http://{HOST}:{port}", log_path))
        for process, base_url, log_path in processes:
            _wait_until_healthy(base_url, process, log_path)
        yield Server(
            tuple(base_url for _, base_url, _ in processes),
            tuple(process.pid for process, _, _ in processes),
            describe_server(mode, workers),
            None if is_sqlite(database_url) else make_url(database_url).database,
        )
    finally:
        for process, _, _ in processes:
            process.terminate()
        for process, _, _ in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)  # the group this script started
                process.wait()


def _wait_until_healthy(
    base_url: str, process: subprocess.Popen[bytes], log_path: Path, within_s: float = 60.0
) -> None:
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log = log_path.read_text(errors="replace")[-3000:]
            raise SystemExit(f"the server exited with {process.returncode}:\n{log}")
        try:
            if httpx.get(f"{base_url}{API}/health", timeout=2, trust_env=False).is_success:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"the server did not answer {API}/health within {within_s:.0f} s")


@dataclass(frozen=True)
class CpuSample:
    """CPU seconds used so far by each process of the server (and its children) and each
    PostgreSQL backend serving the benchmark's database, by this process (the clients), and by
    the whole machine. Processes are kept apart so one that exits (a pooled connection closed)
    does not take its past CPU out of the difference of two samples."""

    server: dict[int, float]
    postgres: dict[int, float]
    client: float
    machine: float

    def since(self, before: CpuSample, wall: float) -> tuple[float, float, float, float]:
        """Shares of one core used between `before` and this sample: server, postgres, client
        and everything else on the machine."""
        server = sum(cpu - before.server.get(pid, 0.0) for pid, cpu in self.server.items())
        postgres = sum(cpu - before.postgres.get(pid, 0.0) for pid, cpu in self.postgres.items())
        client = self.client - before.client
        other = self.machine - before.machine - server - postgres - client
        return server / wall, postgres / wall, client / wall, max(0.0, other) / wall


def cpu_sample(server_pids: Sequence[int], database: str | None) -> CpuSample | None:
    """From /proc (Linux); None elsewhere."""
    if not Path("/proc/stat").exists():
        return None
    ticks = os.sysconf("SC_CLK_TCK")
    parent: dict[int, int] = {}
    used: dict[int, float] = {}
    postgres: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().decode(errors="replace")
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        pid = int(entry.name)
        parent[pid] = int(fields[1])
        used[pid] = (int(fields[11]) + int(fields[12])) / ticks
        if database and cmdline.startswith("postgres:") and f" {database} " in cmdline:
            postgres[pid] = used[pid]
    tree = set(server_pids)
    while grown := {pid for pid, up in parent.items() if up in tree} - tree:
        tree |= grown
    cpu = [int(n) for n in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    busy = sum(cpu[:8]) - cpu[3] - cpu[4]  # everything but idle and iowait
    server = {pid: used[pid] for pid in tree if pid in used}
    return CpuSample(server, postgres, time.process_time(), busy / ticks)


# --- load ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Call:
    method: str
    path: str
    token: str | None = None
    body: Row | None = None


@dataclass(frozen=True)
class Endpoint:
    """What each client asks for: its calls in turn, again and again until the time is up, or,
    for first views, each once (a cache cannot have seen them)."""

    key: str
    label: str
    calls: tuple[tuple[Call, ...], ...]  # per client
    once: bool = False
    interval_s: float | None = None  # paced: each client starts a request every interval_s


@dataclass
class Figures:
    key: str
    label: str
    requests: int
    errors: int
    seconds: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    error_samples: list[str]
    server_cpu: float | None  # shares of one core over the measured time
    postgres_cpu: float | None
    client_cpu: float | None
    other_cpu: float | None  # everything else running on the machine meanwhile

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def _as_patient(
    seeded: Seeded, index: int, method: str, tail: str, body: Row | None = None
) -> Call:
    patient = seeded.patient_ids[index]
    return Call(method, f"{API}/patients/{patient}/{tail}", seeded.patient_tokens[index], body)


def _as_clinician(seeded: Seeded, index: int) -> Call:
    return Call("GET", f"{API}/clinician/patients", seeded.clinician_tokens[index])


@dataclass(frozen=True)
class Roles:
    """Who does what: the patients reading their plan and logging sessions again and again are
    distinct, and neither is the one the single-request breakdown uses."""

    readers: list[int]  # patient indexes, one per client
    writers: list[int]
    spare: list[int]  # patients no client uses, for the breakdown's first views

    @classmethod
    def of(cls, patients: int, clients: int) -> Roles:
        stride = max(3, patients // clients)
        readers = [(c * stride) % patients for c in range(clients)]
        writers = [(c * stride + 1) % patients for c in range(clients)]
        used = set(readers) | set(writers)
        return cls(readers, writers, [n for n in range(patients) if n not in used])


def first_views(seeded: Seeded, clients: int, skip: int) -> tuple[Endpoint, Endpoint]:
    """Every patient's plan once, and the list of every clinician but the first `skip` (the
    breakdown's) once, spread over the clients: no cache has seen any of them."""
    patients = len(seeded.patient_ids)
    plan = tuple(
        tuple(_as_patient(seeded, n, "GET", "plan") for n in range(c, patients, clients))
        for c in range(clients)
    )
    clinicians = len(seeded.clinician_ids)
    lists = tuple(
        tuple(_as_clinician(seeded, n) for n in range(skip + c, clinicians, clients))
        for c in range(clients)
    )
    return (
        Endpoint("plan_first", f"today's plan, first view of all {patients:,}", plan, once=True),
        Endpoint(
            "list_first",
            f"clinician's list, first view of {clinicians - skip}, none ranked yet",
            lists,
            once=True,
        ),
    )


def lists_after_refresh(seeded: Seeded, clients: int) -> Endpoint:
    """Every clinician's list once, the morning after: the rankings were refreshed overnight,
    the server has just started, and no clinician has looked yet."""
    clinicians = len(seeded.clinician_ids)
    lists = tuple(
        tuple(_as_clinician(seeded, n) for n in range(c, clinicians, clients))
        for c in range(clients)
    )
    label = f"clinician's list, first view of {clinicians} after the refresh"
    return Endpoint("list_refreshed", label, lists, once=True)


@dataclass(frozen=True)
class Refresh:
    """The background refresh of every stored ranking after midnight, run and timed here."""

    rankings: int
    seconds: float
    cpu_seconds: float


def midnight_refresh(engine: Engine) -> Refresh:
    """What the queue's task does after midnight, in this process (one core): every stored
    ranking was computed for a day that is over (set so here), and each is replayed again."""
    now = dt.datetime.now(dt.UTC)
    with engine.begin() as connection:
        connection.execute(
            update(PatientStatus).values(computed_for=now.date() - dt.timedelta(days=1))
        )
    began, cpu = time.perf_counter(), time.process_time()
    done = refresh_rankings(UnitOfWork(engine), now, budget_s=math.inf)
    return Refresh(done.ranked, time.perf_counter() - began, time.process_time() - cpu)


def repeated(seeded: Seeded, clients: int, roles: Roles) -> list[Endpoint]:
    """The brief's four: each client asks the same thing again and again (its own patient, or
    one of the clinicians); caches see the same patient and day each time."""
    today = dt.datetime.now(dt.UTC).date().isoformat()
    session = {"date": today, "minutes": 10, "kind": "walk"}
    clinicians = len(seeded.clinician_ids)
    return [
        Endpoint(
            "trivial",
            "trivial: GET /health",
            ((Call("GET", f"{API}/health"),),) * clients,
        ),
        Endpoint(
            "plan",
            "today's plan, same patient again",
            tuple((_as_patient(seeded, n, "GET", "plan"),) for n in roles.readers),
        ),
        Endpoint(
            "patient_list",
            "clinician's list, same clinician again",
            tuple((_as_clinician(seeded, c % clinicians),) for c in range(clients)),
        ),
        Endpoint(
            "log_session",
            "log a session: POST /patients/{id}/sessions",
            tuple((_as_patient(seeded, n, "POST", "sessions", session),) for n in roles.writers),
        ),
    ]


def paced(endpoints: Sequence[Endpoint], rate: float) -> list[Endpoint]:
    """The plan, the list and logging again, at `rate` requests per second in all, spread over
    the same clients: latency at a steady load below saturation, as a clinic's users would meet
    it, beside the closed loop's latency at saturation."""
    chosen = [e for e in endpoints if e.key in PACED]
    return [
        Endpoint(
            f"{e.key}_paced",
            f"{e.label}, paced at {rate:g} req/s",
            e.calls,
            interval_s=len(e.calls) / rate,
        )
        for e in chosen
    ]


async def _one_request(
    client: aiohttp.ClientSession,
    call: Call,
    latencies: list[float],
    errors: list[str],
    due: float | None = None,
) -> None:
    """One request; its latency counts from `due` (when a paced client meant to send it) if
    given, so a request sent late because the one before was slow still counts its wait."""
    headers = {"Authorization": f"Bearer {call.token}"} if call.token else {}
    began = time.perf_counter() if due is None else due
    try:
        async with client.request(
            call.method, call.path, headers=headers, json=call.body
        ) as response:
            body = await response.read()
    except (aiohttp.ClientError, TimeoutError) as error:
        failure: str | None = f"{type(error).__name__}: {error}"
    else:
        failure = None if response.ok else f"{response.status} {body.decode(errors='replace')}"
    latencies.append(time.perf_counter() - began)
    if failure is not None:
        errors.append(failure[:200])


async def _client_loop(
    client: aiohttp.ClientSession,
    calls: Sequence[Call],
    until: float | None,
    latencies: list[float],
    errors: list[str],
) -> None:
    """A closed loop: the next request as soon as the last one answered."""
    if until is None:
        for call in calls:
            await _one_request(client, call, latencies, errors)
        return
    while calls and time.perf_counter() < until:
        for call in calls:
            await _one_request(client, call, latencies, errors)


async def _paced_loop(
    client: aiohttp.ClientSession,
    calls: Sequence[Call],
    interval_s: float,
    first_s: float,
    until: float,
    latencies: list[float],
    errors: list[str],
) -> None:
    """An open loop at a fixed pace: a request is due every `interval_s` from `first_s`,
    whether or not the last one has answered (if it has not, the next goes as soon as it does,
    and its latency still counts from when it was due)."""
    due = first_s
    turn = 0
    while calls and due < until:
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        await _one_request(client, calls[turn % len(calls)], latencies, errors, due)
        turn += 1
        due += interval_s


async def _drive(
    clients: Sequence[aiohttp.ClientSession], endpoint: Endpoint, seconds: float | None
) -> tuple[list[float], list[str], float]:
    """Every client at once, until the time is up (requests in flight then finish and count, so
    the rate is the requests done over the time until the last one answered) or through its
    calls once."""
    latencies: list[float] = []
    errors: list[str] = []
    began = time.perf_counter()
    until = None if seconds is None else began + seconds
    if endpoint.interval_s is not None and until is not None:
        spread = endpoint.interval_s / max(len(clients), 1)  # staggered, not all at once
        await asyncio.gather(
            *(
                _paced_loop(
                    client, calls, endpoint.interval_s, began + n * spread, until, latencies, errors
                )
                for n, (client, calls) in enumerate(zip(clients, endpoint.calls, strict=True))
            )
        )
        return latencies, errors, time.perf_counter() - began
    await asyncio.gather(
        *(
            _client_loop(client, calls, until, latencies, errors)
            for client, calls in zip(clients, endpoint.calls, strict=True)
        )
    )
    return latencies, errors, time.perf_counter() - began


def _percentiles_ms(latencies: list[float]) -> tuple[float, float, float]:
    if len(latencies) < 2:
        only = latencies[0] * 1000 if latencies else math.nan
        return only, only, only
    cuts = statistics.quantiles(latencies, n=100, method="inclusive")
    return cuts[49] * 1000, cuts[94] * 1000, cuts[98] * 1000


async def measure(server: Server, endpoint: Endpoint, seconds: float, warm_up: float) -> Figures:
    """Warm up (connections, pools, caches; not counted), then the measured run; first views
    get no warm-up, which would be a view before the first."""
    async with AsyncExitStack() as stack:
        clients = [
            await stack.enter_async_context(
                aiohttp.ClientSession(
                    base_url=server.base_urls[number % len(server.base_urls)],
                    connector=aiohttp.TCPConnector(limit=1),  # one keep-alive connection
                    timeout=aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_S),
                )
            )
            for number in range(len(endpoint.calls))
        ]
        if not endpoint.once:
            await _drive(clients, endpoint, warm_up)
        before = cpu_sample(server.pids, server.database)
        latencies, errors, wall = await _drive(
            clients, endpoint, None if endpoint.once else seconds
        )
        after = cpu_sample(server.pids, server.database)
    p50, p95, p99 = _percentiles_ms(latencies)
    shares: tuple[float | None, ...] = (None,) * 4
    if before is not None and after is not None:
        shares = after.since(before, wall)
    return Figures(
        endpoint.key,
        endpoint.label,
        len(latencies),
        len(errors),
        wall,
        p50,
        p95,
        p99,
        list(dict.fromkeys(errors))[:3],
        *shares,
    )


# --- where one request's time goes ---------------------------------------------------------------


def _median_ms(action: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        began = time.perf_counter()
        action()
        times.append(time.perf_counter() - began)
    return statistics.median(times) * 1000


def _request(client: httpx.Client, call: Call) -> Callable[[], object]:
    headers = {"Authorization": f"Bearer {call.token}"} if call.token else {}

    def send() -> object:
        response = client.request(call.method, call.path, headers=headers, json=call.body)
        if not response.is_success:
            raise RuntimeError(f"{call.path}: {response.status_code} {response.text[:200]}")
        return response

    return send


def _load_histories(engine: Engine, patient_ids: Sequence[int]) -> list[History]:
    with UnitOfWork(engine) as uow:
        return [load_history(uow, patient_id) for patient_id in patient_ids]


def _layer(key: tuple[str, int, str]) -> str:
    filename, _, name = key
    where = f"{filename} {name}"
    if "psycopg" in where or "sqlite3" in where:
        return "database driver (incl. waiting for the database)"
    if "sqlalchemy" in where:
        return "SQLAlchemy (ORM and Core)"
    if "/pacewise/domain/" in filename:
        return "pacewise.domain"
    if "pydantic" in where:
        return "pydantic"
    if "/pacewise/" in filename:
        return "pacewise services and adapters"
    if "json" in filename or "datetime" in name or "enum" in filename or "re.Pattern" in name:
        return "decoding values (JSON, dates, enums)"
    return "other (standard library, builtins)"


def _profile_layers(action: Callable[[], object], repeats: int) -> list[tuple[str, float]]:
    """cProfile's own time per function, added up by layer (profiling inflates Python code a
    little against C and I/O, so read the shares as rough)."""
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(repeats):
        action()
    profiler.disable()
    stats: dict[tuple[str, int, str], tuple[Any, ...]]
    stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    layers: dict[str, float] = {}
    for key, (_, _, own, _, _) in stats.items():
        layers[_layer(key)] = layers.get(_layer(key), 0.0) + own
    total = sum(layers.values()) or 1.0
    return sorted(((layer, own / total) for layer, own in layers.items()), key=lambda x: -x[1])


@dataclass
class Breakdown:
    requests: list[tuple[str, float]]  # one request at a time against the idle server
    blocks: list[tuple[str, float]]  # the uncached work, in this process
    history: str  # what one patient's year holds
    profile: list[tuple[str, float]]  # load_history's own time by layer


def breakdown(
    engine: Engine, server: Server, seeded: Seeded, roles: Roles, repeats: int
) -> Breakdown:
    """Before any load on a fresh server: single requests, first views and again (medians), and
    the uncached work they stand on, called here: loading a year, replaying it."""
    today = dt.datetime.now(dt.UTC).date()
    firsts = roles.spare[:repeats]
    patient, token = seeded.patient_ids[firsts[-1]], seeded.patient_tokens[firsts[-1]]
    clinician = seeded.clinician_ids[0]
    theirs = sorted(p for p, c in seeded.clinician_of.items() if c == clinician)
    log = _as_patient(seeded, roles.spare[repeats], "POST", "sessions")
    log = Call(log.method, log.path, log.token, {"date": today.isoformat(), "minutes": 10})
    url = server.base_urls[0]
    with httpx.Client(base_url=url, timeout=REQUEST_TIMEOUT_S, trust_env=False) as client:
        plans = [_request(client, _as_patient(seeded, n, "GET", "plan")) for n in firsts]
        clinician_list = _request(client, _as_clinician(seeded, 0))
        requests = [
            (
                "GET /health (the HTTP round trip, the framework)",
                _median_ms(_request(client, Call("GET", f"{API}/health")), repeats),
            ),
            (
                "GET /me (that, and checking the token)",
                _median_ms(_request(client, Call("GET", f"{API}/me", token)), repeats),
            ),
            (
                f"today's plan, first view ({len(firsts)} patients)",
                statistics.median(_median_ms(p, 1) for p in plans),
            ),
            ("today's plan, same patient again", _median_ms(plans[-1], repeats)),
            (
                f"clinician's list ({len(theirs)} patients), first view",
                _median_ms(clinician_list, 1),
            ),
            ("clinician's list, again", _median_ms(clinician_list, repeats)),
            ("log a session", _median_ms(_request(client, log), repeats)),
        ]
    history = _load_histories(engine, [patient])[0]
    histories = _load_histories(engine, theirs)
    blocks = [
        (
            "load_history: one patient's year, from the database",
            _median_ms(lambda: _load_histories(engine, [patient]), repeats),
        ),
        (
            "run_protocol: the plan engine over that year",
            _median_ms(lambda: run_protocol(history, today), repeats),
        ),
        (
            f"a list with every ranking stale: load_history x {len(theirs)}",
            _median_ms(lambda: _load_histories(engine, theirs), 3),
        ),
        (
            f"  and run_protocol + attention x {len(theirs)}",
            _median_ms(
                lambda: [attention(run_protocol(h, today), None, today) for h in histories], 3
            ),
        ),
    ]
    held = (
        f"{len(history.sessions)} sessions, {sum(1 for s in history.sessions if s.checkin)} with a "
        f"check-in, {len(history.daily_pain)} pain ratings, {len(history.alerts)} alerts, "
        f"{len(history.reported_flares)} flares"
    )
    profile = _profile_layers(lambda: _load_histories(engine, [patient]), repeats)
    return Breakdown(requests, blocks, held, profile)


# --- the report ----------------------------------------------------------------------------------


def machine_facts() -> dict[str, str]:
    model = "?"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return {
        "cores": str(os.cpu_count()),
        "cpu": model,
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "platform": platform.platform(),
        "aiohttp": version("aiohttp"),
        "uvicorn": version("uvicorn"),
        "fastapi": version("fastapi"),
        "sqlalchemy": version("sqlalchemy"),
        "load": " ".join(f"{load:.2f}" for load in os.getloadavg()),
        "pacewise": str(Path(pacewise.__file__).parent),
    }


def _share(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.0f} %"


def print_figures(console: Console, figures: Sequence[Figures], postgres: bool) -> None:
    table = Table(title="one endpoint at a time", title_justify="left")
    for name in ("endpoint", "requests", "errors", "req/s", "p50 ms", "p95 ms", "p99 ms"):
        table.add_column(name, justify="left" if name == "endpoint" else "right")
    table.add_column("server CPU", justify="right")
    if postgres:
        table.add_column("postgres CPU", justify="right")
    table.add_column("client CPU", justify="right")
    table.add_column("other CPU", justify="right")
    for f in figures:
        row = [
            f.label,
            f"{f.requests:,}",
            f"{f.errors:,}",
            f"{f.rate:,.1f}",
            f"{f.p50_ms:,.1f}",
            f"{f.p95_ms:,.1f}",
            f"{f.p99_ms:,.1f}",
            _share(f.server_cpu),
        ]
        if postgres:
            row.append(_share(f.postgres_cpu))
        row += [_share(f.client_cpu), _share(f.other_cpu)]
        table.add_row(*row)
    console.print(table)
    console.print(
        f"CPU: share of one core over the measured time ({os.cpu_count()} cores = "
        f"{(os.cpu_count() or 1) * 100} %); server = the server processes and their children, "
        "postgres = the backends serving this database, client = this process, other = "
        "everything else running on the machine meanwhile (noise the figures do not control)"
    )
    for f in figures:
        for sample in f.error_samples:
            console.print(f"  error sample, {f.key}: {sample}", markup=False)


def goals(figures: Sequence[Figures]) -> list[tuple[str, bool, str]]:
    """The issue's goals: no errors; the plan and the list answer within 100 ms at p95 (first
    views and repeats alike); logging keeps half the trivial rate."""
    by_key = {f.key: f for f in figures}
    errors = sum(f.errors for f in figures)
    found = [("0 errors", errors == 0, f"{errors:,} errors")]
    for key in ("plan_first", "plan", "list_first", "list_refreshed", "patient_list"):
        if key in by_key:
            figure = by_key[key]
            met = figure.p95_ms < PLAN_AND_LIST_P95_GOAL_MS
            found.append(
                (
                    f"{figure.label}: p95 < {PLAN_AND_LIST_P95_GOAL_MS:.0f} ms",
                    met,
                    f"p95 {figure.p95_ms:,.1f} ms",
                )
            )
    if "log_session" in by_key and "trivial" in by_key and by_key["trivial"].rate:
        share = by_key["log_session"].rate / by_key["trivial"].rate
        found.append(
            (
                f"logging >= {LOGGING_SHARE_GOAL:.0%} of the trivial rate",
                share >= LOGGING_SHARE_GOAL,
                f"{share:.1%}",
            )
        )
    return found


def print_goals(console: Console, figures: Sequence[Figures], clients: int) -> None:
    by_key = {f.key: f for f in figures}
    trivial = by_key.get("trivial")
    if trivial and trivial.rate:
        for f in figures:
            if f.key != "trivial" and not f.key.endswith("_paced"):
                console.print(
                    f"ratio {f.key + ' rate / trivial rate:':<36} {f.rate / trivial.rate:6.3f}"
                    f"   ({f.rate:,.1f} / {trivial.rate:,.1f} req/s)",
                    markup=False,
                )
    for name, met, shown in goals(figures):
        console.print(f"goal {name}: {'met' if met else 'MISSED'} ({shown})", markup=False)
    for f in figures:
        if f.key.endswith("_paced"):
            console.print(
                f"steady load, not a goal's measure: {f.label}: p95 {f.p95_ms:,.1f} ms, "
                f"{f.errors:,} errors",
                markup=False,
            )
    if trivial and trivial.rate:
        console.print(
            f"note: {clients} clients asking back to back queue behind each other (latency is "
            f"about clients / rate), so a p95 under {PLAN_AND_LIST_P95_GOAL_MS:.0f} ms needs "
            f"about {clients / PLAN_AND_LIST_P95_GOAL_MS * 1000:,.0f} req/s or more; the trivial "
            f"endpoint itself reached {trivial.rate:,.0f} req/s here, with p95 "
            f"{trivial.p95_ms:,.1f} ms",
            markup=False,
        )


def print_breakdown(console: Console, found: Breakdown) -> None:
    console.print(
        "\nwhere the time goes, measured before the load on a fresh server, one request at a "
        "time (median):",
        markup=False,
    )
    for name, ms in found.requests:
        console.print(f"  {name:<66} {ms:9.1f} ms", markup=False)
    console.print(f"the uncached work, called in this process (median; a year = {found.history}):")
    for name, ms in found.blocks:
        console.print(f"  {name:<66} {ms:9.1f} ms", markup=False)
    layers = ", ".join(f"{layer} {share:.0%}" for layer, share in found.profile if share >= 0.01)
    console.print(f"  load_history's own time by layer (cProfile): {layers}", markup=False)


def server_errors(logs: Path) -> list[str]:
    """The exceptions the servers logged (the last line of each traceback), distinct."""
    found: dict[str, None] = {}
    for log in sorted(logs.rglob("*.log")):
        for line in log.read_text(errors="replace").splitlines():
            if re.match(r"[\w.]+(Error|Exception|Timeout)\w*: ", line):
                found[line[:240]] = None
    return list(found)


# --- the run -------------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--patients", type=int, help="patients seeded (default 1000; quick 50)")
    parser.add_argument(
        "--per-clinician", type=int, help="patients per clinician (default 50; quick 10)"
    )
    parser.add_argument("--days", type=int, default=365, help="days of history per patient")
    parser.add_argument("--clients", type=int, help="concurrent clients (default 50; quick 10)")
    parser.add_argument("--seconds", type=float, help="per endpoint (default 15; quick 5)")
    parser.add_argument("--workers", type=int, default=2, help="server processes")
    parser.add_argument(
        "--server",
        choices=("serve", "uvicorn"),
        default="serve",
        help="serve: one `pacewise serve` per worker, each on its own port; uvicorn: one "
        "`uvicorn --workers N` (loses TCP_NODELAY on Linux, uvicorn issue #3149)",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--quick",
        action="store_true",
        help="a smoke test: 50 patients (5 clinicians x 10), 10 clients, 5 s per endpoint",
    )
    parser.add_argument(
        "--breakdown",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="time single requests and the uncached work they stand on",
    )
    parser.add_argument(
        "--paced-rate",
        type=float,
        default=100.0,
        help="then the plan, the list and logging at this steady rate in all (req/s; 0: skip)",
    )
    parser.add_argument("--json", type=Path, help="also write every figure to this file")
    args = parser.parse_args(argv)
    args.patients = args.patients or (50 if args.quick else 1000)
    args.per_clinician = args.per_clinician or (10 if args.quick else 50)
    args.clients = args.clients or (10 if args.quick else 50)
    args.seconds = args.seconds or (5.0 if args.quick else 15.0)
    return args


def _clinic_line(seeded: Seeded, per_clinician: int) -> str:
    c = seeded.counts
    return (
        f"clinic: {len(seeded.patient_ids):,} patients ({len(seeded.clinician_ids)} "
        f"clinician(s) x {per_clinician} patients), {(seeded.until - seeded.start).days + 1} "
        f"days each ({seeded.start} .. {seeded.until}): "
        f"{c['activity_sessions']:,} sessions ({c['checkins']:,} check-ins, {c['alerts']:,} alerts "
        f"of which {c['alerts_open']:,} open), {c['daily_pain']:,} pain ratings, "
        f"{c['flares']:,} flares, {c['questionnaire_responses']:,} PEG answers, "
        f"{c['acupuncture_visits']:,} acupuncture visits; seeded in {seeded.seconds:.1f} s "
        f"(bulk inserts in {seeded.transactions} transactions, then vacuum, ANALYZE and a "
        "checkpoint)"
    )


ORDER = (
    "trivial",
    "plan_first",
    "plan",
    "list_first",
    "list_refreshed",
    "patient_list",
    "log_session",
    "plan_paced",
    "patient_list_paced",
    "log_session_paced",
)


def run_load(
    console: Console,
    engine: Engine,
    seeded: Seeded,
    args: argparse.Namespace,
    logs: Path,
) -> tuple[list[Figures], Breakdown | None, str, Refresh]:
    """Three server sessions, so no cache carries over from one kind of first view to the
    other: the first views of every plan on one; then, on fresh processes, the breakdown, the
    trivial ceiling, the first views of the lists, the repeats and the write; then the
    midnight refresh of every ranking, and on fresh processes every clinician's first list of
    the day."""
    url = engine.url.render_as_string(hide_password=False)
    roles = Roles.of(len(seeded.patient_ids), args.clients)
    plan_first, list_first = first_views(seeded, args.clients, 1 if args.breakdown else 0)
    warm_up = min(WARM_UP_S, args.seconds / 4)
    figures: list[Figures] = []

    def run(server: Server, endpoint: Endpoint) -> None:
        figures.append(asyncio.run(measure(server, endpoint, args.seconds, warm_up)))

    with running_server(url, args.server, args.workers, logs / "first") as server:
        description = server.description
        console.print(f"server: {description}", markup=False)
        console.print(
            f"load: {args.clients} concurrent clients (asyncio, one aiohttp {version('aiohttp')} "
            f"ClientSession and keep-alive connection each) over loopback; repeats for "
            f"{args.seconds:g} s per endpoint after {warm_up:g} s of warm-up not counted, first "
            f"views once each; latency = send to full answer, every request counted (errors "
            f"too); the server is restarted after the plans' first views; reads before the write",
            markup=False,
        )
        run(server, plan_first)
    found = None
    with running_server(url, args.server, args.workers, logs / "second") as server:
        if args.breakdown:
            found = breakdown(engine, server, seeded, roles, BREAKDOWN_REPEATS)
        again = repeated(seeded, args.clients, roles)
        extra = paced(again, args.paced_rate) if args.paced_rate else []
        for endpoint in [list_first, *again, *extra]:
            if any(endpoint.calls):
                run(server, endpoint)
    refresh = midnight_refresh(engine)
    with running_server(url, args.server, args.workers, logs / "third") as server:
        run(server, lists_after_refresh(seeded, args.clients))
    return sorted(figures, key=lambda f: ORDER.index(f.key)), found, description, refresh


def run_backend(console: Console, url: str, args: argparse.Namespace) -> Row:
    engine = make_engine(url)
    try:
        upgrade(engine)
        seeded = seed_clinic(engine, args.patients, args.per_clinician, args.days, args.seed)
        database = database_version(engine)
        console.rule(database)
        console.print(_clinic_line(seeded, args.per_clinician), markup=False)
        with tempfile.TemporaryDirectory(prefix="pacewise-bench-log-") as logs:
            figures, found, description, refresh = run_load(
                console, engine, seeded, args, Path(logs)
            )
            logged = server_errors(Path(logs))
        print_figures(console, figures, postgres=not is_sqlite(url))
        for line in logged[:5]:
            console.print(f"  server log: {line}", markup=False)
        console.print(
            f"the midnight refresh (the queue's task, here in one process): "
            f"{refresh.rankings:,} rankings replayed in {refresh.seconds:,.1f} s "
            f"({refresh.cpu_seconds:,.1f} s of CPU, "
            f"{1000 * refresh.seconds / max(refresh.rankings, 1):,.1f} ms each)",
            markup=False,
        )
        print_goals(console, figures, args.clients)
        if found is not None:
            print_breakdown(console, found)
        return {
            "database": database,
            "seeded": seeded.counts,
            "patients": len(seeded.patient_ids),
            "clinicians": len(seeded.clinician_ids),
            "seed_seconds": seeded.seconds,
            "server": description,
            "clients": args.clients,
            "seconds": args.seconds,
            "endpoints": {f.key: {**asdict(f), "rate": f.rate} for f in figures},
            "server_errors": logged,
            "goals": [{"goal": n, "met": met, "shown": shown} for n, met, shown in goals(figures)],
            "breakdown": asdict(found) if found else None,
            "midnight_refresh": asdict(refresh),
        }
    finally:
        engine.dispose()


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    width = os.get_terminal_size().columns if sys.stdout.isatty() else 140
    console = Console(highlight=False, width=max(100, width))
    facts = machine_facts()
    console.print(
        f"machine: {facts['cores']} cores ({facts['cpu']}), {facts['python']} on "
        f"{facts['platform']}; fastapi {facts['fastapi']}, sqlalchemy {facts['sqlalchemy']}; "
        f"load average at start {facts['load']}; pacewise from {facts['pacewise']}",
        markup=False,
    )
    report: Row = {"machine": facts, "backends": {}}
    backends = ("sqlite", "postgresql") if args.backend == "both" else (args.backend,)
    for backend in backends:
        if backend == "sqlite":
            with sqlite_database() as url:
                report["backends"][backend] = run_backend(console, url, args)
            continue
        admin_url = postgres_admin_url()
        if admin_url is None:
            console.print(f"PostgreSQL: no server answers (set {POSTGRES_ENV}); skipped")
            if args.backend == "postgresql":
                return 2
            continue
        with postgres_database(admin_url) as url:
            report["backends"][backend] = run_backend(console, url, args)
    if args.json:
        args.json.write_text(json.dumps(report, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
