"""Every query pacewise makes, one repository per aggregate; services never write SQL.

Each query is scoped by patient (or user), which keeps access checks simple and lets the data be
partitioned by clinic later (DESIGN.md, deployment shapes).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import Any

from sqlalchemy import Row, bindparam, delete, func, insert, literal, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session as DbSession

from pacewise.adapters.db.models import (
    ActivitySession,
    AcupunctureVisitRecord,
    AlertRecord,
    ApiToken,
    AuditEvent,
    CareRelationship,
    CheckIn,
    DailyActivity,
    DailyPain,
    FlareReport,
    ImportJob,
    Invite,
    LoginFailure,
    PatientStatus,
    PrescriptionVersion,
    QuestionnaireResponse,
    User,
    WebSession,
    utc_now,
)


@dataclass(frozen=True, slots=True)
class StoredVersion:
    """A saved prescription version's settings and dates, without the ORM object."""

    id: int
    condition: str
    settings: dict[str, Any]
    start_date: dt.date
    effective_from: dt.date


CHANGED_PATIENTS = "pacewise_changed_patients"
"""Key in a database session's `info`: the patients whose records its transaction changed."""


def note_changed(db: DbSession, patient_id: int) -> None:
    """Mark `patient_id`'s stored ranking out of date when this transaction commits (see
    `UnitOfWork.commit`); the flush hook does this for ORM rows, Core writes call it."""
    db.info.setdefault(CHANGED_PATIENTS, set()).add(patient_id)


# Statements every request runs, built once and run as Core statements on the session's
# connection: building a select, and the ORM's handling of it, cost more than running it.
_INSERT_SESSION = insert(ActivitySession)
_INSERT_CHECKIN = insert(CheckIn)

_OWNER_OF_TOKEN = (
    select(User.id, User.role, ApiToken.last_used_at)
    .join(ApiToken, ApiToken.user_id == User.id)
    .where(
        ApiToken.token_hash == bindparam("digest"),
        ApiToken.revoked_at.is_(None),
        User.deactivated_at.is_(None),
    )
)
_WEB_SESSION = (
    select(
        User.id,
        User.role,
        WebSession.csrf_token,
        WebSession.last_seen_at,
        WebSession.expires_at,
    )
    .join(WebSession, WebSession.user_id == User.id)
    .where(WebSession.token_hash == bindparam("digest"), User.deactivated_at.is_(None))
)
_PATIENTS_WITH_STATUS = (
    select(
        User.id,
        User.email,
        User.display_name,
        PatientStatus.version,
        PatientStatus.computed_version,
        PatientStatus.computed_for,
        PatientStatus.rank,
        PatientStatus.reasons,
    )
    .join(CareRelationship, CareRelationship.patient_id == User.id)
    .outerjoin(PatientStatus, PatientStatus.patient_id == User.id)
    .where(CareRelationship.clinician_id == bindparam("clinician_id"))
    .order_by(User.id)
)
_FIRST_CLINICIAN = (
    select(
        CareRelationship.patient_id.label("patient_id"),
        func.min(CareRelationship.clinician_id).label("clinician_id"),
    )
    .group_by(CareRelationship.patient_id)
    .subquery()
)
_RANKINGS_IN_CARE = (
    select(
        _FIRST_CLINICIAN.c.patient_id,
        PatientStatus.version,
        PatientStatus.computed_version,
        PatientStatus.computed_for,
        User.time_zone,
    )
    .join(User, User.id == _FIRST_CLINICIAN.c.clinician_id)
    .outerjoin(PatientStatus, PatientStatus.patient_id == _FIRST_CLINICIAN.c.patient_id)
    .order_by(_FIRST_CLINICIAN.c.patient_id)
)
_VERSIONS = (
    select(
        PrescriptionVersion.id,
        PrescriptionVersion.condition,
        PrescriptionVersion.settings,
        PrescriptionVersion.start_date,
        PrescriptionVersion.effective_from,
    )
    .where(PrescriptionVersion.patient_id == bindparam("patient_id"))
    .order_by(PrescriptionVersion.changed_at, PrescriptionVersion.id)
)
_BUMP = (
    update(PatientStatus)
    .where(PatientStatus.patient_id.in_(bindparam("patient_ids", expanding=True)))
    .values(version=PatientStatus.version + 1)
)
_VERSION_OF = select(PatientStatus.version).where(
    PatientStatus.patient_id == bindparam("patient_id")
)


class Users:
    def __init__(self, db: DbSession) -> None:
        self.db = db

    def add(self, user: User) -> User:
        self.db.add(user)
        self.db.flush()
        return user

    def names_of(self, user_ids: Iterable[int]) -> dict[int, tuple[str, str]]:
        """(name to show, role) of each account: its display name, or else its e-mail."""
        wanted = sorted(set(user_ids))
        if not wanted:
            return {}
        rows = self.db.execute(
            select(User.id, User.display_name, User.email, User.role).where(User.id.in_(wanted))
        )
        return {row.id: (row.display_name or row.email, row.role) for row in rows}

    def get(self, user_id: int) -> User | None:
        return self.db.get(User, user_id)

    def by_email(self, email: str) -> User | None:
        return self.db.scalar(select(User).where(User.email == email.strip().lower()))

    def delete(self, user: User) -> None:
        self.db.delete(user)
        self.db.flush()

    def add_token(self, token: ApiToken) -> ApiToken:
        self.db.add(token)
        self.db.flush()
        return token

    def tokens_of(self, user_id: int) -> Sequence[ApiToken]:
        """The user's tokens, oldest first."""
        return self.db.scalars(
            select(ApiToken).where(ApiToken.user_id == user_id).order_by(ApiToken.id)
        ).all()

    def owner_of_token(self, digest: str) -> tuple[int, str, dt.datetime | None] | None:
        """(user id, role, last used) of a live (unrevoked) token's owner, in one query; a
        deactivated account has no live token."""
        row = self.db.connection().execute(_OWNER_OF_TOKEN, {"digest": digest}).one_or_none()
        if row is None:
            return None
        return row.id, row.role, row.last_used_at

    def web_session(self, digest: str) -> tuple[int, str, str, dt.datetime, dt.datetime] | None:
        """(user id, role, CSRF token, last seen, expires) of a signed-in browser session; a
        deactivated account has none."""
        row = self.db.connection().execute(_WEB_SESSION, {"digest": digest}).one_or_none()
        if row is None:
            return None
        return row.id, row.role, row.csrf_token, row.last_seen_at, row.expires_at

    def touch_token(self, digest: str, moment: dt.datetime) -> None:
        self.db.execute(
            update(ApiToken).where(ApiToken.token_hash == digest).values(last_used_at=moment)
        )

    def by_token_hash(self, digest: str) -> ApiToken | None:
        return self.db.scalar(select(ApiToken).where(ApiToken.token_hash == digest))

    def add_invite(self, invite: Invite) -> Invite:
        self.db.add(invite)
        self.db.flush()
        return invite

    def invite_by_hash(self, digest: str) -> Invite | None:
        return self.db.scalar(select(Invite).where(Invite.token_hash == digest))

    def page(self, limit: int, offset: int, role: str | None = None) -> tuple[Sequence[User], int]:
        """Accounts in the order they were made, one page, and how many there are in all."""
        query = select(User)
        if role is not None:
            query = query.where(User.role == role)
        total = self.db.scalar(select(func.count()).select_from(query.subquery()))
        rows = self.db.scalars(query.order_by(User.id).limit(limit).offset(offset)).all()
        return rows, total or 0

    def failures_since(self, keys: Sequence[str], since: dt.datetime) -> dict[str, int]:
        """How many sign-ins failed under each key (`account:<email>`) after `since`."""
        rows = self.db.execute(
            select(LoginFailure.key, func.count())
            .where(LoginFailure.key.in_(keys), LoginFailure.at > since)
            .group_by(LoginFailure.key)
        ).all()
        return {key: count for key, count in rows}  # noqa: C416 - rows are Row tuples

    def add_failure(self, key: str, at: dt.datetime) -> None:
        """Count one failed try (a sign-in, or a password change's current password)."""
        self.db.add(LoginFailure(key=key, at=at))

    def failures_of(self, key: str, since: dt.datetime) -> tuple[int, dt.datetime | None]:
        """How many tries failed under `key` after `since`, and when the last one did."""
        count, last = self.db.execute(
            select(func.count(), func.max(LoginFailure.at)).where(
                LoginFailure.key == key, LoginFailure.at > since
            )
        ).one()
        return count or 0, last

    def clear_failures(self, key: str) -> None:
        self.db.execute(delete(LoginFailure).where(LoginFailure.key == key))

    def revoke_tokens(self, user_id: int, at: dt.datetime) -> int:
        """Revoke every live API token of the user; returns how many were live."""
        revoked = self.db.execute(
            update(ApiToken)
            .where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))
            .values(revoked_at=at)
        )
        return revoked.rowcount or 0  # type: ignore[attr-defined]

    def end_sessions(self, user_id: int) -> int:
        """Sign the user out of every browser; returns how many sessions ended."""
        ended = self.db.execute(delete(WebSession).where(WebSession.user_id == user_id))
        return ended.rowcount or 0  # type: ignore[attr-defined]

    def forget_failures_before(self, moment: dt.datetime) -> int:
        """Delete the failed tries made before `moment`; returns how many there were."""
        swept = self.db.execute(delete(LoginFailure).where(LoginFailure.at < moment))
        return swept.rowcount or 0  # type: ignore[attr-defined]

    def end_sessions_over(self, now: dt.datetime, idle_since: dt.datetime) -> int:
        """End every browser session past its absolute expiry, or unused since `idle_since`;
        returns how many ended."""
        ended = self.db.execute(
            delete(WebSession).where(
                (WebSession.expires_at <= now) | (WebSession.last_seen_at <= idle_since)
            )
        )
        return ended.rowcount or 0  # type: ignore[attr-defined]

    def end_other_sessions(self, user_id: int, keep_hash: str) -> int:
        """Sign the user out of every browser but the one whose session token hashes to
        `keep_hash`; returns how many sessions ended."""
        ended = self.db.execute(
            delete(WebSession).where(
                WebSession.user_id == user_id, WebSession.token_hash != keep_hash
            )
        )
        return ended.rowcount or 0  # type: ignore[attr-defined]


class Care:
    """Which clinician cares for which patient."""

    def __init__(self, db: DbSession) -> None:
        self.db = db

    def link(self, clinician_id: int, patient_id: int) -> None:
        self.db.add(CareRelationship(clinician_id=clinician_id, patient_id=patient_id))
        self.db.flush()

    def unlink(self, clinician_id: int, patient_id: int) -> bool:
        """End the care relationship; False when there was none."""
        ended = self.db.execute(
            delete(CareRelationship).where(
                CareRelationship.clinician_id == clinician_id,
                CareRelationship.patient_id == patient_id,
            )
        )
        return bool(ended.rowcount)  # type: ignore[attr-defined]

    def is_in_care(self, clinician_id: int, patient_id: int) -> bool:
        found = self.db.scalar(
            select(CareRelationship.id).where(
                CareRelationship.clinician_id == clinician_id,
                CareRelationship.patient_id == patient_id,
            )
        )
        return found is not None

    def patients_of(self, clinician_id: int) -> Sequence[User]:
        return self.db.scalars(
            select(User)
            .join(CareRelationship, CareRelationship.patient_id == User.id)
            .where(CareRelationship.clinician_id == clinician_id)
            .order_by(User.id)
        ).all()

    def patients_with_status(
        self, clinician_id: int
    ) -> Sequence[Row[int, str, str, int, int, dt.date | None, list[int], list[str]]]:
        """Each patient in care (id, email, display_name) with their stored ranking (version,
        computed_version, computed_for, rank, reasons; all None without a status row), as
        plain rows from one query: the clinician's list reads them on every view."""
        return (
            self.db.connection()
            .execute(_PATIENTS_WITH_STATUS, {"clinician_id": clinician_id})
            .all()
        )


class Prescriptions:
    """A patient's prescription versions; the newest saved is in force from its date onward."""

    def __init__(self, db: DbSession) -> None:
        self.db = db

    def add(self, version: PrescriptionVersion) -> PrescriptionVersion:
        """Store a version; without a date of effect it is in force from the plan's start."""
        if getattr(version, "effective_from", None) is None:
            version.effective_from = version.start_date
        self.db.add(version)
        self.db.flush()
        return version

    def current(self, patient_id: int) -> PrescriptionVersion | None:
        """The newest version saved: in force now, or from the next plan week."""
        return self.db.scalar(
            select(PrescriptionVersion)
            .where(PrescriptionVersion.patient_id == patient_id)
            .order_by(PrescriptionVersion.changed_at.desc(), PrescriptionVersion.id.desc())
            .limit(1)
        )

    def history(self, patient_id: int) -> Sequence[PrescriptionVersion]:
        return self.db.scalars(
            select(PrescriptionVersion)
            .where(PrescriptionVersion.patient_id == patient_id)
            .order_by(PrescriptionVersion.changed_at, PrescriptionVersion.id)
        ).all()

    def history_rows(self, patient_id: int) -> list[StoredVersion]:
        """The versions as `history` orders them, only what the engine reads, as plain values
        from one Core query (every logged session and replay reads them)."""
        rows = self.db.connection().execute(_VERSIONS, {"patient_id": patient_id})
        return [StoredVersion(*row) for row in rows]


class Sessions:
    """Logged and imported activity sessions, with their check-ins."""

    def __init__(self, db: DbSession) -> None:
        self.db = db

    def add(self, session: ActivitySession) -> ActivitySession:
        self.db.add(session)
        self.db.flush()
        return session

    def add_checkin(self, checkin: CheckIn) -> CheckIn:
        self.db.add(checkin)
        self.db.flush()
        return checkin

    def add_logged(self, session: dict[str, Any], checkin: dict[str, Any]) -> int:
        """A session typed in by its patient and its check-in, as two Core inserts (logging is
        the most frequent write, and the ORM's flush of two new objects cost more than the
        statements); returns the session's id. `session` and `checkin` hold column values;
        the check-in's session and patient are filled in here."""
        connection = self.db.connection()
        patient_id = session["patient_id"]
        inserted = connection.execute(_INSERT_SESSION, session).inserted_primary_key
        assert inserted is not None
        session_id: int = inserted[0]
        connection.execute(
            _INSERT_CHECKIN, {**checkin, "session_id": session_id, "patient_id": patient_id}
        )
        note_changed(self.db, patient_id)
        return session_id

    def get(self, patient_id: int, session_id: int) -> ActivitySession | None:
        return self.db.scalar(
            select(ActivitySession).where(
                ActivitySession.id == session_id, ActivitySession.patient_id == patient_id
            )
        )

    def by_source(self, patient_id: int, source: str, source_id: str) -> ActivitySession | None:
        return self.db.scalar(
            select(ActivitySession).where(
                ActivitySession.patient_id == patient_id,
                ActivitySession.source == source,
                ActivitySession.source_id == source_id,
            )
        )

    def for_patient(
        self, patient_id: int, until: dt.date | None = None
    ) -> Sequence[ActivitySession]:
        query = select(ActivitySession).where(ActivitySession.patient_id == patient_id)
        if until is not None:
            query = query.where(ActivitySession.date <= until)
        return self.db.scalars(query.order_by(ActivitySession.date, ActivitySession.id)).all()

    def history_rows(
        self, patient_id: int
    ) -> Sequence[
        Row[dt.date, float, str, dt.time | None, int | None, int | None, int | None, list[str], str]
    ]:
        """Every session as plain rows with its check-in's codes and its source, oldest first:
        only the columns the engine reads, in one query, without building ORM objects (a year
        is hundreds of rows, read on every uncached plan)."""
        return self.db.execute(
            select(
                ActivitySession.date,
                ActivitySession.minutes,
                ActivitySession.kind,
                ActivitySession.start_time,
                ActivitySession.pain_before,
                ActivitySession.pain_after,
                ActivitySession.effort,
                CheckIn.codes,
                ActivitySession.source,
            )
            .outerjoin(CheckIn, CheckIn.session_id == ActivitySession.id)
            .where(ActivitySession.patient_id == patient_id)
            .order_by(ActivitySession.date, ActivitySession.id)
        ).all()

    def daily_exercise_minutes(self, patient_id: int) -> dict[dt.date, float]:
        """Each day's recorded exercise minutes: the largest any source reported (two devices
        that both saw the same walk must not count it twice)."""
        rows = self.db.execute(
            select(DailyActivity.date, func.max(DailyActivity.exercise_minutes))
            .where(
                DailyActivity.patient_id == patient_id,
                DailyActivity.exercise_minutes.is_not(None),
            )
            .group_by(DailyActivity.date)
        ).all()
        return {day: float(minutes) for day, minutes in rows if minutes}

    def by_source_id(self, patient_id: int, source: str, source_id: str) -> int | None:
        """The id of the patient's session with that source and source id, if any."""
        return self.db.scalar(
            select(ActivitySession.id).where(
                ActivitySession.patient_id == patient_id,
                ActivitySession.source == source,
                ActivitySession.source_id == source_id,
            )
        )

    def on_day(self, patient_id: int, day: dt.date) -> Sequence[ActivitySession]:
        return self.db.scalars(
            select(ActivitySession)
            .where(ActivitySession.patient_id == patient_id, ActivitySession.date == day)
            .order_by(ActivitySession.id)
        ).all()

    def page(
        self, patient_id: int, limit: int, offset: int
    ) -> tuple[Sequence[ActivitySession], int]:
        """Newest first, one page, and how many there are in all."""
        total = self.db.scalar(
            select(func.count())
            .select_from(ActivitySession)
            .where(ActivitySession.patient_id == patient_id)
        )
        rows = self.db.scalars(
            select(ActivitySession)
            .where(ActivitySession.patient_id == patient_id)
            .order_by(ActivitySession.date.desc(), ActivitySession.id.desc())
            .limit(limit)
            .offset(offset)
        ).all()
        return rows, total or 0

    def checkins_for(self, patient_id: int) -> dict[int, CheckIn]:
        """Each session's check-in, by session id."""
        rows = self.db.scalars(select(CheckIn).where(CheckIn.patient_id == patient_id)).all()
        return {row.session_id: row for row in rows}

    def checkins_of(self, session_ids: Sequence[int]) -> dict[int, CheckIn]:
        """The check-ins of these sessions, by session id."""
        if not session_ids:
            return {}
        rows = self.db.scalars(select(CheckIn).where(CheckIn.session_id.in_(session_ids))).all()
        return {row.session_id: row for row in rows}

    def delete(self, session: ActivitySession) -> None:
        self.db.delete(session)
        self.db.flush()


class PainRatings:
    """One daily pain rating per day; a new rating of the same day replaces the old one."""

    def __init__(self, db: DbSession) -> None:
        self.db = db

    def set(self, patient_id: int, day: dt.date, pain: int) -> DailyPain:
        row = self.db.scalar(
            select(DailyPain).where(DailyPain.patient_id == patient_id, DailyPain.date == day)
        )
        if row is None:
            row = DailyPain(patient_id=patient_id, date=day, pain=pain)
            self.db.add(row)
        else:
            row.pain = pain
        self.db.flush()
        return row

    def for_patient(self, patient_id: int) -> dict[dt.date, int]:
        rows = self.db.execute(
            select(DailyPain.date, DailyPain.pain).where(DailyPain.patient_id == patient_id)
        ).all()
        return {day: pain for day, pain in rows}  # noqa: C416 - rows are Row tuples


class Flares:
    def __init__(self, db: DbSession) -> None:
        self.db = db

    def add(self, flare: FlareReport) -> FlareReport:
        self.db.add(flare)
        self.db.flush()
        return flare

    def history_rows(self, patient_id: int) -> Sequence[Row[dt.date, bool]]:
        """(date, severe) of every reported flare, oldest first."""
        return self.db.execute(
            select(FlareReport.date, FlareReport.severe)
            .where(FlareReport.patient_id == patient_id)
            .order_by(FlareReport.date, FlareReport.id)
        ).all()

    def for_patient(self, patient_id: int) -> Sequence[FlareReport]:
        return self.db.scalars(
            select(FlareReport)
            .where(FlareReport.patient_id == patient_id)
            .order_by(FlareReport.date)
        ).all()


class AcupunctureVisits:
    def __init__(self, db: DbSession) -> None:
        self.db = db

    def add(self, visit: AcupunctureVisitRecord) -> AcupunctureVisitRecord:
        self.db.add(visit)
        self.db.flush()
        return visit

    def history_rows(self, patient_id: int) -> Sequence[Row[dt.date, int | None, int | None, str]]:
        """(date, pain before, pain after, notes) of every visit, oldest first."""
        record = AcupunctureVisitRecord
        return self.db.execute(
            select(record.date, record.pain_before, record.pain_after, record.notes)
            .where(record.patient_id == patient_id)
            .order_by(record.date, record.id)
        ).all()

    def for_patient(self, patient_id: int) -> Sequence[AcupunctureVisitRecord]:
        return self.db.scalars(
            select(AcupunctureVisitRecord)
            .where(AcupunctureVisitRecord.patient_id == patient_id)
            .order_by(AcupunctureVisitRecord.date)
        ).all()


class Questionnaires:
    def __init__(self, db: DbSession) -> None:
        self.db = db

    def add(self, response: QuestionnaireResponse) -> QuestionnaireResponse:
        self.db.add(response)
        self.db.flush()
        return response

    def last_answered(self, patient_id: int, instrument: str) -> dt.date | None:
        return self.db.scalar(
            select(func.max(QuestionnaireResponse.answered_on)).where(
                QuestionnaireResponse.patient_id == patient_id,
                QuestionnaireResponse.instrument == instrument,
            )
        )

    def for_patient(self, patient_id: int) -> Sequence[QuestionnaireResponse]:
        """Every answer of the patient, oldest first (by day answered, then as saved)."""
        return self.db.scalars(
            select(QuestionnaireResponse)
            .where(QuestionnaireResponse.patient_id == patient_id)
            .order_by(QuestionnaireResponse.answered_on, QuestionnaireResponse.id)
        ).all()

    def page(
        self, patient_id: int, limit: int, offset: int
    ) -> tuple[Sequence[QuestionnaireResponse], int]:
        """Newest first (by the day answered), one page, and how many there are in all."""
        mine = QuestionnaireResponse.patient_id == patient_id
        total = self.db.scalar(select(func.count()).select_from(QuestionnaireResponse).where(mine))
        rows = self.db.scalars(
            select(QuestionnaireResponse)
            .where(mine)
            .order_by(QuestionnaireResponse.answered_on.desc(), QuestionnaireResponse.id.desc())
            .limit(limit)
            .offset(offset)
        ).all()
        return rows, total or 0


class Alerts:
    def __init__(self, db: DbSession) -> None:
        self.db = db

    def add(self, alert: AlertRecord) -> AlertRecord:
        self.db.add(alert)
        self.db.flush()
        return alert

    def get(self, patient_id: int, alert_id: int) -> AlertRecord | None:
        return self.db.scalar(
            select(AlertRecord).where(
                AlertRecord.id == alert_id, AlertRecord.patient_id == patient_id
            )
        )

    def raised_on(self, patient_id: int, day: dt.date) -> Sequence[AlertRecord]:
        return self.db.scalars(
            select(AlertRecord).where(
                AlertRecord.patient_id == patient_id, AlertRecord.raised_on == day
            )
        ).all()

    def history_rows(self, patient_id: int) -> Sequence[Row[dt.date, str, str, dt.date | None]]:
        """(raised on, level, reason, cleared on) of every alert, oldest first."""
        return self.db.execute(
            select(
                AlertRecord.raised_on, AlertRecord.level, AlertRecord.reason, AlertRecord.cleared_on
            )
            .where(AlertRecord.patient_id == patient_id)
            .order_by(AlertRecord.raised_on, AlertRecord.id)
        ).all()

    def for_patient(self, patient_id: int) -> Sequence[AlertRecord]:
        return self.db.scalars(
            select(AlertRecord)
            .where(AlertRecord.patient_id == patient_id)
            .order_by(AlertRecord.raised_on, AlertRecord.id)
        ).all()

    def page(
        self, patient_id: int, limit: int, offset: int, open_only: bool = False
    ) -> tuple[Sequence[AlertRecord], int]:
        """Newest first, one page, and how many there are in all (uncleared only if asked)."""
        where = [AlertRecord.patient_id == patient_id]
        if open_only:
            where.append(AlertRecord.cleared_on.is_(None))
        total = self.db.scalar(select(func.count()).select_from(AlertRecord).where(*where))
        rows = self.db.scalars(
            select(AlertRecord)
            .where(*where)
            .order_by(AlertRecord.raised_on.desc(), AlertRecord.id.desc())
            .limit(limit)
            .offset(offset)
        ).all()
        return rows, total or 0


_EACH_ID = func.json_each(bindparam("ids")).table_valued("value")
_AUDIT_EACH_SQLITE = insert(AuditEvent).from_select(
    ["action", "actor_id", "actor_role", "at", "patient_id", "detail", "address"],
    select(
        bindparam("action", type_=AuditEvent.action.type),
        bindparam("actor_id", type_=AuditEvent.actor_id.type),
        bindparam("actor_role", type_=AuditEvent.actor_role.type),
        bindparam("at", type_=AuditEvent.at.type),
        _EACH_ID.c.value,
        literal("{}"),
        literal(""),
    ),
)
"""SQLite: one event per id of a JSON list, in one statement. The list's events are written
while the file's write lock is held, and `executemany` gave up the GIL at every row, so under
load the lock waited on other threads between rows (`bench/api.py`'s list, 200 patients,
interleaved runs: 158 req/s before, 172 after)."""


class Audit:
    """The append-only audit log: events are added and read, never changed."""

    def __init__(self, db: DbSession) -> None:
        self.db = db

    def record_each(
        self, action: str, *, actor_id: int, actor_role: str, patient_ids: Sequence[int]
    ) -> None:
        """One event per patient, written in one statement (a list view shows many)."""
        if not patient_ids:
            return
        values = {
            "action": action,
            "actor_id": actor_id,
            "actor_role": actor_role,
            "at": utc_now(),
        }
        connection = self.db.connection()
        if connection.dialect.name == "sqlite":
            connection.execute(_AUDIT_EACH_SQLITE, {**values, "ids": json.dumps(list(patient_ids))})
            return
        connection.execute(
            insert(AuditEvent),
            [{**values, "patient_id": p, "detail": {}, "address": ""} for p in patient_ids],
        )

    def record(
        self,
        action: str,
        *,
        actor_id: int | None,
        actor_role: str = "",
        patient_id: int | None = None,
        detail: dict[str, Any] | None = None,
        address: str = "",
    ) -> None:
        self.db.add(
            AuditEvent(
                action=action,
                actor_id=actor_id,
                actor_role=actor_role,
                patient_id=patient_id,
                detail=detail or {},
                address=address,
            )
        )

    def for_patient(self, patient_id: int) -> Sequence[AuditEvent]:
        return self.db.scalars(
            select(AuditEvent).where(AuditEvent.patient_id == patient_id).order_by(AuditEvent.id)
        ).all()

    def by_others_page(
        self, patient_id: int, since: dt.datetime, limit: int, offset: int
    ) -> tuple[Sequence[tuple[AuditEvent, User | None]], int]:
        """Events on the patient's record by someone else since `since`, newest first, each
        with its actor's account (None once that account is deleted), and how many in all.

        `since` is the account's creation: an id SQLite hands out again after a deletion must
        not show the new account the old one's log.
        """
        about = (
            AuditEvent.patient_id == patient_id,
            AuditEvent.actor_id.is_not(None),
            AuditEvent.actor_id != patient_id,
            AuditEvent.at >= since,
        )
        total = self.db.scalar(select(func.count()).select_from(AuditEvent).where(*about))
        rows = self.db.execute(
            select(AuditEvent, User)
            .outerjoin(User, User.id == AuditEvent.actor_id)
            .where(*about)
            .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
            .limit(limit)
            .offset(offset)
        ).all()
        return [(event, actor) for event, actor in rows], total or 0


class PatientStatuses:
    """The clinician list's stored rankings (see `PatientStatus` for how they stay true)."""

    def __init__(self, db: DbSession) -> None:
        self.db = db

    def version_of(self, patient_id: int) -> int | None:
        """The patient's record version (None without a status row)."""
        return self.db.connection().scalar(_VERSION_OF, {"patient_id": patient_id})

    def in_care(self) -> Sequence[Row[int, int | None, int | None, dt.date | None, str]]:
        """Every patient in someone's care with their stored ranking (version, computed version,
        computed for; None without a status row) and the time zone of their first clinician,
        whose dates the ranking is read on."""
        return self.db.connection().execute(_RANKINGS_IN_CARE).all()

    def ensure(self, patient_ids: Sequence[int]) -> None:
        """A status row for each patient (left alone where one exists)."""
        if not patient_ids:
            return
        dialect = self.db.get_bind().dialect.name
        maker = postgresql.insert if dialect == "postgresql" else sqlite.insert
        rows = [
            {"patient_id": p, "version": 0, "computed_version": -1, "rank": [], "reasons": []}
            for p in patient_ids
        ]
        statement = maker(PatientStatus).values(rows)
        self.db.execute(statement.on_conflict_do_nothing(index_elements=["patient_id"]))

    def bump(self, patient_ids: Sequence[int]) -> None:
        """Their records changed: every stored ranking of them is out of date."""
        self.db.connection().execute(_BUMP, {"patient_ids": sorted(patient_ids)})

    def save(
        self, patient_id: int, version: int, day: dt.date, rank: list[int], reasons: list[str]
    ) -> bool:
        """Keep a ranking computed from `version`; False if the records changed since."""
        result = self.db.execute(
            update(PatientStatus)
            .where(PatientStatus.patient_id == patient_id, PatientStatus.version == version)
            .values(computed_version=version, computed_for=day, rank=rank, reasons=reasons)
            .execution_options(synchronize_session=False)
        )
        return bool(getattr(result, "rowcount", 0))


class ImportJobs:
    """Imports of patients' files: the job rows that carry their progress (issue 6)."""

    def __init__(self, db: DbSession) -> None:
        self.db = db

    def add(self, job: ImportJob) -> ImportJob:
        self.db.add(job)
        self.db.flush()
        return job

    def get(self, patient_id: int, job_id: int) -> ImportJob | None:
        return self.db.scalar(
            select(ImportJob).where(ImportJob.id == job_id, ImportJob.patient_id == patient_id)
        )

    def by_id(self, job_id: int) -> ImportJob | None:
        """A job by its id alone, for the worker that runs it (it acts for nobody)."""
        return self.db.get(ImportJob, job_id)

    def claim(self, job_id: int, moment: dt.datetime) -> bool:
        """Mark a pending job running, one more attempt; False when it was not pending (another
        worker took it, or it ended)."""
        taken = self.db.execute(
            update(ImportJob)
            .where(ImportJob.id == job_id, ImportJob.status == "pending")
            .values(status="running", attempts=ImportJob.attempts + 1, updated_at=moment)
            .execution_options(synchronize_session=False)
        )
        return bool(getattr(taken, "rowcount", 0))

    def record_progress(
        self, job_id: int, bytes_read: int, records_seen: int, moment: dt.datetime
    ) -> None:
        """Progress, and the heartbeat that shows the job's worker is alive."""
        self.db.execute(
            update(ImportJob)
            .where(ImportJob.id == job_id, ImportJob.status == "running")
            .values(bytes_read=bytes_read, records_seen=records_seen, updated_at=moment)
            .execution_options(synchronize_session=False)
        )

    def page(self, patient_id: int, limit: int, offset: int) -> tuple[Sequence[ImportJob], int]:
        """The patient's imports, newest first, and how many there are."""
        where = ImportJob.patient_id == patient_id
        total = self.db.scalar(select(func.count()).select_from(ImportJob).where(where)) or 0
        jobs = self.db.scalars(
            select(ImportJob).where(where).order_by(ImportJob.id.desc()).limit(limit).offset(offset)
        ).all()
        return jobs, total

    def stalled(self, silent_since: dt.datetime) -> Sequence[int]:
        """Jobs no worker is looking after: running without a heartbeat since `silent_since`
        (their worker died), or pending since then (their task was lost)."""
        return self.db.scalars(
            select(ImportJob.id)
            .where(ImportJob.status.in_(("running", "pending")))
            .where(ImportJob.updated_at < silent_since)
            .order_by(ImportJob.id)
        ).all()

    def stored_paths(self) -> set[str]:
        """The uploaded files that jobs still need (an ended job keeps none)."""
        return set(
            self.db.scalars(select(ImportJob.stored_path).where(ImportJob.stored_path != ""))
        )

    def reopen(self, job_id: int, silent_since: dt.datetime, moment: dt.datetime) -> bool:
        """Put a stalled job back to pending (progress from zero); False when it moved on."""
        reopened = self.db.execute(
            update(ImportJob)
            .where(
                ImportJob.id == job_id,
                ImportJob.status.in_(("running", "pending")),
                ImportJob.updated_at < silent_since,
            )
            .values(status="pending", bytes_read=0, records_seen=0, updated_at=moment)
            .execution_options(synchronize_session=False)
        )
        return bool(getattr(reopened, "rowcount", 0))


class ImportedRecords:
    """Sessions and daily totals written in bulk by an import, inside its one transaction."""

    def __init__(self, db: DbSession) -> None:
        self.db = db

    def _insert(self) -> Any:
        dialect = self.db.get_bind().dialect.name
        return postgresql.insert if dialect == "postgresql" else sqlite.insert

    def timed_sessions(
        self, patient_id: int, first: dt.date, last: dt.date
    ) -> Sequence[Row[dt.date, dt.time | None, float, str, str]]:
        """(date, start time, minutes, source, source id) of every session from `first` to
        `last` that has a start time: what a new import's workouts are compared with."""
        return self.db.execute(
            select(
                ActivitySession.date,
                ActivitySession.start_time,
                ActivitySession.minutes,
                ActivitySession.source,
                ActivitySession.source_id,
            ).where(
                ActivitySession.patient_id == patient_id,
                ActivitySession.date.between(first, last),
                ActivitySession.start_time.is_not(None),
            )
        ).all()

    def add_sessions(self, patient_id: int, rows: Iterable[dict[str, Any]]) -> int:
        """Insert the sessions not already there (same patient, source and source id); how many
        were new. Counted rather than read from the driver's rowcount, which neither database
        reports reliably for a many-row statement."""
        before = self._session_count(patient_id)
        statement = self._insert()(ActivitySession.__table__).on_conflict_do_nothing(
            index_elements=["patient_id", "source", "source_id"]
        )
        connection = self.db.connection()  # Core: no ORM bookkeeping for thousands of rows
        remaining = iter(rows)
        while batch := list(islice(remaining, 2000)):
            connection.execute(statement, batch)
        return self._session_count(patient_id) - before

    def _session_count(self, patient_id: int) -> int:
        return (
            self.db.scalar(
                select(func.count())
                .select_from(ActivitySession)
                .where(ActivitySession.patient_id == patient_id)
            )
            or 0
        )

    def put_daily_totals(self, rows: Sequence[dict[str, Any]], moment: dt.datetime) -> None:
        """Each day's totals from a source, replacing what an older export said of that day."""
        if not rows:
            return
        insert = self._insert()(DailyActivity)
        statement = insert.on_conflict_do_update(
            index_elements=["patient_id", "date", "source"],
            set_={
                "steps": insert.excluded.steps,
                "exercise_minutes": insert.excluded.exercise_minutes,
                "updated_at": moment,
            },
        )
        for start in range(0, len(rows), 2000):
            self.db.execute(statement, list(rows[start : start + 2000]))
