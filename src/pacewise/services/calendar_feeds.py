"""The patient's private calendar feed of planned sessions (issue 7: "a patient forgets a 7 a.m.
walk without a reminder").

The feed's URL holds a secret token; like an API token it is shown once and only its SHA-256
hash is kept (`accounts.token_hash`), so the database holds no working URL. A patient has at most
one live feed: making a new one revokes the old, and stopping it makes the URL answer 404.
Creation and revocation are audited; the calendar app's polls are not (they read no more than
the patient chose to publish).

The events are the engine's planned sessions of the next four weeks (the same replay as every
other view), at the prescription's times in the patient's time zone, so the feed changes when
the plan does: a new prescription, a flare's step back, a paused week.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from pacewise.adapters.db.calendar_feeds import CalendarFeeds
from pacewise.adapters.db.models import CalendarFeed, utc_now
from pacewise.adapters.db.unit_of_work import UnitOfWork
from pacewise.adapters.exports.ical import FeedEvent, calendar_bytes
from pacewise.adapters.exports.report_content import PHASE_NAMES
from pacewise.domain import PlanWeek
from pacewise.domain.wording import kind_words, shown_minutes
from pacewise.services.access import Caller, NotFound, open_patient_record, transaction_for
from pacewise.services.accounts import token_hash
from pacewise.services.records import NoPrescription
from pacewise.services.replays import replay
from pacewise.services.time_zones import zone_named

FEED_DAYS = 28
"""The feed holds the planned sessions of the next four weeks, today included."""
REMINDER_MINUTES = 15
"""Each event's reminder comes this long before the session."""
FEED_NAME = "pacewise: planned sessions"
LATER_WEEK = (
    "This week's plan is set when the week begins, from how the weeks before it went; until "
    "then the calendar shows it at the level the plan has now."
)


@dataclass(frozen=True, slots=True)
class FeedState:
    """Whether the patient has a live feed, and since when (never its URL: only a hash is kept)."""

    exists: bool
    created_at: dt.datetime | None


@dataclass(frozen=True, slots=True)
class NewFeed:
    """A feed just made: `token` goes into its URL and is shown this once."""

    token: str
    created_at: dt.datetime


def _own_feeds(uow: UnitOfWork, caller: Caller) -> CalendarFeeds:
    """Only a patient has a feed; anyone else is told there is nothing here (issue 4)."""
    if caller.role != "patient":
        raise NotFound(caller.user_id)
    return uow.calendar_feeds


def create_feed(uow: UnitOfWork, caller: Caller, now: dt.datetime | None = None) -> NewFeed:
    """Make the patient's feed, revoking any earlier one (its URL stops working at once)."""
    moment = now or utc_now()
    with uow:
        feeds = _own_feeds(uow, caller)
        for old in feeds.live_of(caller.user_id):
            old.revoked_at = moment
        token = secrets.token_urlsafe(32)
        feed = feeds.add(
            CalendarFeed(patient_id=caller.user_id, token_hash=token_hash(token), created_at=moment)
        )
        uow.audit.record(
            "calendar_feed.created",
            actor_id=caller.user_id,
            actor_role=caller.role,
            patient_id=caller.user_id,
        )
        uow.commit()
        return NewFeed(token, feed.created_at)


def revoke_feed(uow: UnitOfWork, caller: Caller, now: dt.datetime | None = None) -> bool:
    """Stop the patient's feed; True if there was one to stop."""
    with uow:
        live = _own_feeds(uow, caller).live_of(caller.user_id)
        for feed in live:
            feed.revoked_at = now or utc_now()
        if live:
            uow.audit.record(
                "calendar_feed.revoked",
                actor_id=caller.user_id,
                actor_role=caller.role,
                patient_id=caller.user_id,
            )
        uow.commit()
        return bool(live)


def feed_state(uow: UnitOfWork, caller: Caller, patient_id: int) -> FeedState:
    """Whether `patient_id` has a live feed: for the patient, and for their clinician (who may
    know that reminders are set up, never the URL)."""
    with transaction_for(uow, caller, patient_id):
        open_patient_record(uow, caller, patient_id, "calendar_feed.viewed")
        live = uow.calendar_feeds.live_of(patient_id)
        uow.commit()
    return FeedState(bool(live), live[-1].created_at if live else None)


def feed_for_token(uow: UnitOfWork, token: str, now: dt.datetime | None = None) -> bytes:
    """The .ics file behind a feed URL; NotFound for an unknown or revoked token."""
    moment = now or utc_now()
    with uow.reading():
        owner = uow.calendar_feeds.owner_of_live(token_hash(token))
        if owner is None:
            raise NotFound("calendar feed")
        patient_id, zone_name = owner
        zone = zone_named(zone_name)
        today = moment.astimezone(zone).date()
        last = today + dt.timedelta(days=FEED_DAYS - 1)
        try:
            _, result = replay(uow, patient_id, last)
            weeks: tuple[PlanWeek, ...] = result.weeks
        except NoPrescription:
            weeks = ()
    events = feed_events(patient_id, weeks, today, last, zone)
    return calendar_bytes(
        events, name=FEED_NAME, stamp=moment.astimezone(dt.UTC), reminder_minutes=REMINDER_MINUTES
    )


def feed_events(
    patient_id: int, weeks: tuple[PlanWeek, ...], first: dt.date, last: dt.date, zone: ZoneInfo
) -> list[FeedEvent]:
    """Each planned session from `first` to `last` as a calendar event with a stable UID (the
    patient, the day and the session's place in that day), so an updated plan updates events."""
    events = []
    for week in weeks:
        if week.end < first or week.start > last:
            continue
        current = week.start <= first <= week.end
        why = week.reason if current else LATER_WEEK
        slots: dict[dt.date, int] = {}
        for planned in week.planned:
            slot = slots.get(planned.date, 0)
            slots[planned.date] = slot + 1
            if not first <= planned.date <= last:
                continue
            minutes = shown_minutes(planned.minutes)
            window = (
                " It falls in the days after an acupuncture visit: a good time to be active."
                if planned.in_acupuncture_window
                else ""
            )
            events.append(
                FeedEvent(
                    uid=f"pacewise-{patient_id}-{planned.date:%Y%m%d}-{slot + 1}@pacewise",
                    start=dt.datetime.combine(planned.date, planned.time, tzinfo=zone),
                    minutes=minutes,
                    summary=f"{minutes}-minute {kind_words(planned.kind)}",
                    description=(
                        f"Plan week {week.week}, phase {week.phase} "
                        f"({PHASE_NAMES.get(week.phase, '')}). {why}{window}"
                    ),
                )
            )
    return events
