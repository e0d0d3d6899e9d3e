"""The calendar feeds' queries (issue 7), beside `repositories` because only feeds use them."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session as DbSession

from pacewise.adapters.db.models import CalendarFeed, User


class CalendarFeeds:
    def __init__(self, db: DbSession) -> None:
        self.db = db

    def add(self, feed: CalendarFeed) -> CalendarFeed:
        self.db.add(feed)
        self.db.flush()
        return feed

    def live_of(self, patient_id: int) -> Sequence[CalendarFeed]:
        """The patient's unrevoked feeds, oldest first (at most one, once made by the service)."""
        return self.db.scalars(
            select(CalendarFeed)
            .where(CalendarFeed.patient_id == patient_id, CalendarFeed.revoked_at.is_(None))
            .order_by(CalendarFeed.id)
        ).all()

    def owner_of_live(self, digest: str) -> tuple[int, str] | None:
        """(patient id, time zone) behind an unrevoked feed of an active account, or None."""
        row = self.db.execute(
            select(User.id, User.time_zone)
            .join(CalendarFeed, CalendarFeed.patient_id == User.id)
            .where(
                CalendarFeed.token_hash == digest,
                CalendarFeed.revoked_at.is_(None),
                User.deactivated_at.is_(None),
            )
        ).one_or_none()
        return None if row is None else (row[0], row[1])
