"""The tables: typed SQLAlchemy 2 models with a naming convention for stable migrations.

Times are stored as UTC instants; a patient's plan dates are local dates (DESIGN.md, data rules).
Every table holding a patient's health data has a `patient_id` that cascades on delete, so
deleting an account removes its health data; the audit log keeps ids without foreign keys, so it
survives the deletion and records only that it happened.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
    Time,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

ROLES = ("patient", "clinician", "admin")
KINDS = ("walk", "cycle", "swim", "aquatic", "stretch", "strength", "yoga", "tai_chi", "other")
LEVELS = ("CONTINUE", "ASSESS", "STOP")
INSTRUMENTS = ("PEG", "PSFS", "TSK11", "PGIC")
IMPORT_STATUSES = ("pending", "running", "done", "failed")


class UTCDateTime(TypeDecorator[dt.datetime]):
    """An instant in UTC: stored without zone where the database has none, returned aware."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("datetimes must be timezone-aware")
        return value.astimezone(dt.UTC)

    def process_result_value(
        self, value: dt.datetime | None, dialect: Dialect
    ) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _one_of(column: str, values: tuple[str, ...]) -> str:
    listed = ", ".join(f"'{value}'" for value in values)
    return f"{column} IN ({listed})"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {dt.datetime: UTCDateTime}


class User(Base):
    """An account: a patient, a clinician or an admin.

    An admin may deactivate it (`deactivated_at`): it keeps its data and care links but can
    neither sign in nor use a token or a session until it is reactivated.
    """

    __tablename__ = "users"
    __table_args__ = (CheckConstraint(_one_of("role", ROLES), name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    display_name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str | None] = mapped_column(String(255))
    time_zone: Mapped[str] = mapped_column(String(64), default="UTC")
    created_at: Mapped[dt.datetime] = mapped_column(default=utc_now)
    deactivated_at: Mapped[dt.datetime | None] = mapped_column()


class CareRelationship(Base):
    """A clinician caring for a patient: the clinician may read and change that record."""

    __tablename__ = "care_relationships"
    __table_args__ = (UniqueConstraint("clinician_id", "patient_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    clinician_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    patient_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utc_now)


class PrescriptionVersion(Base):
    """One version of a patient's prescription, in force from `effective_from` (a plan week's
    first day) until the next version's; together they are the prescription's history.

    `settings` holds every engine setting as the API accepts it (`PrescriptionInput`), so a new
    setting needs no migration; `changed_by` and `changed_at` say who changed what and when.
    `start_date` is the plan's first day, the same in every version.
    """

    __tablename__ = "prescriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    condition: Mapped[str] = mapped_column(String(32))
    start_date: Mapped[dt.date] = mapped_column(Date)
    effective_from: Mapped[dt.date] = mapped_column(Date)
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    changed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    changed_at: Mapped[dt.datetime] = mapped_column(default=utc_now)
    note: Mapped[str] = mapped_column(Text, default="")


MANUAL_SOURCE = "manual"
"""The source of a session the patient logged (imported ones name their app or file)."""


class ActivitySession(Base):
    """One bout of activity; (source, source id) is unique per patient so re-imports add nothing."""

    __tablename__ = "activity_sessions"
    __table_args__ = (
        UniqueConstraint("patient_id", "source", "source_id"),
        CheckConstraint("minutes > 0", name="minutes_positive"),
        CheckConstraint(_one_of("kind", KINDS), name="kind"),
        CheckConstraint("pain_before BETWEEN 0 AND 10", name="pain_before_range"),
        CheckConstraint("pain_after BETWEEN 0 AND 10", name="pain_after_range"),
        CheckConstraint("effort BETWEEN 0 AND 10", name="effort_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    date: Mapped[dt.date] = mapped_column(Date, index=True)
    start_time: Mapped[dt.time | None] = mapped_column(Time)
    minutes: Mapped[float] = mapped_column(Float)
    kind: Mapped[str] = mapped_column(String(16))
    effort: Mapped[int | None] = mapped_column(Integer)
    pain_before: Mapped[int | None] = mapped_column(Integer)
    pain_after: Mapped[int | None] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(32), default=MANUAL_SOURCE)
    source_id: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[dt.datetime] = mapped_column(default=utc_now)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utc_now, onupdate=utc_now)

    checkin: Mapped[CheckIn | None] = relationship(
        back_populates="session", cascade="all, delete-orphan", passive_deletes=True
    )


class CheckIn(Base):
    """The symptom check-in after a session, and the triage result it gave (PROTOCOL.md 3)."""

    __tablename__ = "checkins"
    __table_args__ = (CheckConstraint(_one_of("level", LEVELS), name="level"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("activity_sessions.id", ondelete="CASCADE"), unique=True
    )
    patient_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    codes: Mapped[list[str]] = mapped_column(JSON, default=list)
    level: Mapped[str] = mapped_column(String(8))
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    card: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(default=utc_now)

    session: Mapped[ActivitySession] = relationship(back_populates="checkin")


class DailyPain(Base):
    __tablename__ = "daily_pain"
    __table_args__ = (
        UniqueConstraint("patient_id", "date"),
        CheckConstraint("pain BETWEEN 0 AND 10", name="pain_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    date: Mapped[dt.date] = mapped_column(Date)
    pain: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(default=utc_now)


class FlareReport(Base):
    __tablename__ = "flares"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    date: Mapped[dt.date] = mapped_column(Date)
    severe: Mapped[bool] = mapped_column(default=False)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utc_now)


class AcupunctureVisitRecord(Base):
    __tablename__ = "acupuncture_visits"
    __table_args__ = (
        CheckConstraint("pain_before BETWEEN 0 AND 10", name="pain_before_range"),
        CheckConstraint("pain_after BETWEEN 0 AND 10", name="pain_after_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    date: Mapped[dt.date] = mapped_column(Date)
    pain_before: Mapped[int | None] = mapped_column(Integer)
    pain_after: Mapped[int | None] = mapped_column(Integer)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utc_now)


class QuestionnaireResponse(Base):
    """Answers to one questionnaire and its score (MEASURES.md)."""

    __tablename__ = "questionnaire_responses"
    __table_args__ = (CheckConstraint(_one_of("instrument", INSTRUMENTS), name="instrument"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    instrument: Mapped[str] = mapped_column(String(8))
    answered_on: Mapped[dt.date] = mapped_column(Date)
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)
    score: Mapped[float] = mapped_column(Float)
    created_at: Mapped[dt.datetime] = mapped_column(default=utc_now)


class AlertRecord(Base):
    """A triage alert for the clinicians: raised, and cleared by whom, when and with what note."""

    __tablename__ = "alerts"
    __table_args__ = (CheckConstraint("level IN ('ASSESS', 'STOP')", name="level"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("activity_sessions.id", ondelete="SET NULL")
    )
    raised_on: Mapped[dt.date] = mapped_column(Date)
    raised_at: Mapped[dt.datetime] = mapped_column(default=utc_now)
    level: Mapped[str] = mapped_column(String(8))
    reason: Mapped[str] = mapped_column(Text)
    cleared_on: Mapped[dt.date | None] = mapped_column(Date)
    cleared_at: Mapped[dt.datetime | None] = mapped_column()
    cleared_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    clear_note: Mapped[str] = mapped_column(Text, default="")


class AuditEvent(Base):
    """Who did what to whose record, and when; append-only.

    No foreign keys on purpose: an event outlives the accounts it names (a deletion is itself
    recorded), and the log never carries health data, only ids and the kind of access.
    """

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(default=utc_now, index=True)
    actor_id: Mapped[int | None] = mapped_column(Integer)
    actor_role: Mapped[str] = mapped_column(String(16), default="")
    action: Mapped[str] = mapped_column(String(64))
    patient_id: Mapped[int | None] = mapped_column(Integer, index=True)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    address: Mapped[str] = mapped_column(String(64), default="")


class ApiToken(Base):
    """A named bearer token a user created; only its hash is kept."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(128), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utc_now)
    last_used_at: Mapped[dt.datetime | None] = mapped_column()
    revoked_at: Mapped[dt.datetime | None] = mapped_column()


class Invite(Base):
    """A one-time link for a new account to set a password: expires, single use, stored hashed."""

    __tablename__ = "invites"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(128), unique=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utc_now)
    expires_at: Mapped[dt.datetime] = mapped_column()
    used_at: Mapped[dt.datetime | None] = mapped_column()


class WebSession(Base):
    """A signed-in browser: kept in the database so any app process can serve it."""

    __tablename__ = "web_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(128), unique=True)
    csrf_token: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[dt.datetime] = mapped_column(default=utc_now)
    last_seen_at: Mapped[dt.datetime] = mapped_column(default=utc_now)
    expires_at: Mapped[dt.datetime] = mapped_column()


class LoginFailure(Base):
    """One failed sign-in, counted per account and per address to slow down guessing.

    `key` is "account:<email>" or "address:<ip>"; it exists whether or not the account does.
    """

    __tablename__ = "login_failures"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(400), index=True)
    at: Mapped[dt.datetime] = mapped_column(default=utc_now)


class ImportJob(Base):
    """One import of a patient's file: where it stands and what it added (issue 6: importers).

    Progress lives here, not in a process's memory, so any app process can show it and a job
    left `running` by a crashed worker can be found and resumed or failed.
    """

    __tablename__ = "import_jobs"
    __table_args__ = (CheckConstraint(_one_of("status", IMPORT_STATUSES), name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(32))
    filename: Mapped[str] = mapped_column(String(255), default="")
    stored_path: Mapped[str] = mapped_column(String(1000), default="")
    status: Mapped[str] = mapped_column(String(16), default="pending")
    bytes_total: Mapped[int] = mapped_column(BigInteger, default=0)
    bytes_read: Mapped[int] = mapped_column(BigInteger, default=0)
    records_seen: Mapped[int] = mapped_column(default=0)
    added: Mapped[int] = mapped_column(default=0)
    already_present: Mapped[int] = mapped_column(default=0)
    skipped: Mapped[int] = mapped_column(default=0)
    skipped_reasons: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    daily_totals: Mapped[int] = mapped_column(default=0)
    attempts: Mapped[int] = mapped_column(default=0)
    error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utc_now)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utc_now, onupdate=utc_now)
    finished_at: Mapped[dt.datetime | None] = mapped_column()


class DailyActivity(Base):
    """A day's activity totals from one source (a phone or watch export): steps and exercise
    minutes. Minutes count toward the plan and the boom-and-bust detector on days without a
    logged session (`domain/activity.py`); one row per patient, day and source, so a newer
    export of the same days replaces rather than adds."""

    __tablename__ = "daily_activity"
    __table_args__ = (
        UniqueConstraint("patient_id", "date", "source"),
        CheckConstraint("steps >= 0", name="steps_not_negative"),
        CheckConstraint("exercise_minutes >= 0", name="exercise_minutes_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    date: Mapped[dt.date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(32))
    steps: Mapped[int | None] = mapped_column(Integer)
    exercise_minutes: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[dt.datetime] = mapped_column(default=utc_now)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utc_now, onupdate=utc_now)


class CalendarFeed(Base):
    """A patient's private iCalendar feed of planned sessions (issue 7): the secret in its URL
    is stored hashed, and revoking it makes the URL answer 404."""

    __tablename__ = "calendar_feeds"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(128), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utc_now)
    revoked_at: Mapped[dt.datetime | None] = mapped_column()


class PatientStatus(Base):
    """The clinician list's ranking of one patient, kept so the list needs no replay of every
    history (issue 4: the patient list answers fast).

    Every change to the patient's records bumps `version` in the same transaction (see
    `UnitOfWork`); a ranking computed from `version` v is saved only while `version` is still v,
    so a change committed during the computation is never hidden. It is fresh while
    `computed_version == version` and `computed_for` is today (rankings depend on the date).
    """

    __tablename__ = "patient_status"

    patient_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    version: Mapped[int] = mapped_column(default=0)
    computed_version: Mapped[int] = mapped_column(default=-1)
    computed_for: Mapped[dt.date | None] = mapped_column(Date)
    rank: Mapped[list[int]] = mapped_column(JSON, default=list)
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
