"""Failed logins slow the next try down, per user name and per client address, and
lock a user name after too many in a row, until an admin unlocks it.

Every attempt is counted as a failure before its password is checked, and taken
back when it succeeds. So a burst of parallel guesses cannot all slip past the
count while the first ones are still being hashed: each one either sees the
count its predecessors left, or loses the race for the row and is refused.
A refused attempt checks no password and counts nothing.

User names are counted as typed, whether an account has that name or not, so
the answers (and their timing) never tell which names exist.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.agents.models import LoginThrottle, ThrottleKind
from api.config import Settings
from api.errors import DomainError

# Past this many doublings the delay is long at any first delay; the cap keeps the
# arithmetic from overflowing a timedelta.
_MOST_DOUBLINGS = 30


class LoginThrottled(DomainError):
    """Too many failed logins just now: the next try must wait (Retry-After)."""

    status_code = 429
    code = "login_throttled"
    message = "Too many failed logins. Wait a moment before you try again."

    def __init__(self, seconds: int) -> None:
        super().__init__(
            f"Too many failed logins. Try again in {seconds} seconds.",
            headers={"Retry-After": str(seconds)},
        )
        self.seconds = seconds


class AccountLocked(DomainError):
    """The user name is locked after too many failed logins in a row."""

    status_code = 423
    code = "account_locked"
    message = "This account is locked after too many failed logins. An admin can unlock it."


@dataclass(frozen=True)
class Policy:
    """How failures of one kind are answered."""

    free_failures: int  # after this many, the next try must wait ...
    first_delay: timedelta  # ... this long, doubling with each further failure ...
    longest_delay: timedelta  # ... up to this
    lockout_failures: int | None = None  # None: slowed down, never locked
    forget_after: timedelta | None = None  # None: kept until a success or an unlock

    def delay_after(self, failures: int) -> timedelta:
        """How long the next try waits after `failures` failures."""
        over = failures - self.free_failures
        if over < 0:
            return timedelta(0)
        return min(self.first_delay * 2 ** min(over, _MOST_DOUBLINGS), self.longest_delay)

    def locks_after(self, failures: int) -> bool:
        return self.lockout_failures is not None and failures >= self.lockout_failures


Policies = Mapping[ThrottleKind, Policy]
Subjects = Mapping[ThrottleKind, str]


def policies(settings: Settings) -> dict[ThrottleKind, Policy]:
    """The policies the settings ask for: user names lock, addresses only slow down."""
    first = timedelta(seconds=settings.login_first_delay_seconds)
    longest = timedelta(seconds=settings.login_longest_delay_seconds)
    return {
        ThrottleKind.ACCOUNT: Policy(
            settings.login_free_failures, first, longest, settings.login_lockout_failures
        ),
        ThrottleKind.ADDRESS: Policy(
            settings.login_address_free_failures,
            first,
            longest,
            forget_after=timedelta(minutes=settings.login_address_forget_minutes),
        ),
    }


def begin_attempt(*, db: Session, subjects: Subjects, policies: Policies, now: datetime) -> None:
    """Refuse the attempt if a subject must wait or is locked; otherwise count it as a
    failure of each subject (committed) until `succeeded` takes it back."""
    rows = {kind: _row(db, kind, subject) for kind, subject in subjects.items()}
    for kind, row in rows.items():
        if row is not None:
            _refuse_if_held(row, policies[kind], now)
    for kind, row in rows.items():
        _count_failure(db, kind, subjects[kind], row, policies[kind], now)
    for kind in subjects:
        _forget_quiet(db, kind, policies[kind], now)
    db.commit()


def succeeded(*, db: Session, subjects: Subjects, policies: Policies) -> None:
    """The attempt's password was right: a user name's failures start again from
    nothing, and the address's count loses the failure it was given in advance."""
    for kind, subject in subjects.items():
        if policies[kind].lockout_failures is not None:
            db.execute(delete(LoginThrottle).where(*_of(kind, subject)))
        else:
            _take_back(db, kind, subject, policies[kind])
    db.commit()


def unlock(*, db: Session, username: str) -> None:
    """Lift a user name's lockout and forget its failures (an admin's decision)."""
    db.execute(delete(LoginThrottle).where(*_of(ThrottleKind.ACCOUNT, username)))
    db.commit()


def locked_names(*, db: Session) -> set[str]:
    """The user names locked now."""
    query = select(LoginThrottle.subject).where(
        LoginThrottle.kind == ThrottleKind.ACCOUNT, LoginThrottle.locked_at.is_not(None)
    )
    return set(db.scalars(query))


def _of(kind: ThrottleKind, subject: str) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    return LoginThrottle.kind == kind, LoginThrottle.subject == subject


def _row(db: Session, kind: ThrottleKind, subject: str) -> LoginThrottle | None:
    # populate_existing: another process may have changed the row since this session
    # last read it, and the counts must be the database's.
    query = select(LoginThrottle).where(*_of(kind, subject))
    return db.scalars(query.execution_options(populate_existing=True)).first()


def _forget_quiet(db: Session, kind: ThrottleKind, policy: Policy, now: datetime) -> None:
    """Delete the rows whose failures are forgotten anyway, so they do not pile up."""
    if policy.forget_after is not None:
        quiet = LoginThrottle.last_failed_at < now - policy.forget_after
        db.execute(delete(LoginThrottle).where(LoginThrottle.kind == kind, quiet))


def _refuse_if_held(row: LoginThrottle, policy: Policy, now: datetime) -> None:
    if row.locked_at is not None:
        raise AccountLocked
    if row.blocked_until is not None and row.blocked_until > now:
        raise LoginThrottled(math.ceil((row.blocked_until - now).total_seconds()))


def _failures_so_far(row: LoginThrottle, policy: Policy, now: datetime) -> int:
    if policy.forget_after is not None and now - row.last_failed_at > policy.forget_after:
        return 0
    return row.failures


def _count_failure(
    db: Session,
    kind: ThrottleKind,
    subject: str,
    row: LoginThrottle | None,
    policy: Policy,
    now: datetime,
) -> None:
    """One more failure, if nobody counted one in the meantime (else LoginThrottled:
    a parallel attempt on the same subject got there first)."""
    failures = 1 if row is None else _failures_so_far(row, policy, now) + 1
    wait = policy.delay_after(failures)
    values: dict[str, Any] = {
        "failures": failures,
        "last_failed_at": now,
        "blocked_until": now + wait if wait else None,
        "locked_at": now if policy.locks_after(failures) else None,
    }
    if row is None:
        try:
            with db.begin_nested():
                db.add(LoginThrottle(kind=kind, subject=subject, **values))
        except IntegrityError:
            raise LoginThrottled(1) from None
        return
    won = db.execute(
        update(LoginThrottle)
        .where(LoginThrottle.id == row.id, LoginThrottle.failures == row.failures)
        .values(**values)
    )
    if won.rowcount != 1:  # type: ignore[attr-defined]
        db.rollback()
        raise LoginThrottled(1)


def _take_back(db: Session, kind: ThrottleKind, subject: str, policy: Policy) -> None:
    """Un-count the failure counted in advance (if no later failure changed the row)."""
    row = _row(db, kind, subject)
    if row is None or row.failures == 0:
        return
    failures = row.failures - 1
    blocked = row.blocked_until if policy.delay_after(failures) else None
    db.execute(
        update(LoginThrottle)
        .where(LoginThrottle.id == row.id, LoginThrottle.failures == row.failures)
        .values(failures=failures, blocked_until=blocked)
    )
