"""The daily housekeeping of SPEC 9 (`knooppunt housekeeping`): a registry of jobs.

An app adds a job in its own `housekeeping.py`:

    from knooppunt.core.housekeeping import job

    @job("accounts.expire_inactive", "Accounts zonder login in 6 maanden laten verlopen")
    def expire_inactive(now):
        return expire_inactive_users(now)   # a count for the report

Jobs run in the order the apps are installed; each gets the same `now` and returns how many
objects it changed.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone
from django.utils.module_loading import autodiscover_modules


@dataclass(frozen=True)
class Job:
    name: str
    description: str
    func: Callable[[datetime.datetime], int]


_JOBS: dict[str, Job] = {}


def job(name: str, description: str):
    def register(func):
        if name in _JOBS and _JOBS[name].func is not func:
            raise ValueError(f"Housekeeping job {name!r} is registered twice")
        _JOBS[name] = Job(name, description, func)
        return func

    return register


def jobs() -> list[Job]:
    autodiscover_modules("housekeeping")
    return list(_JOBS.values())


def run(now: datetime.datetime | None = None, only: list[str] | None = None) -> dict[str, int]:
    now = now or timezone.now()
    return {j.name: j.func(now) for j in jobs() if not only or j.name in only}


@job("core.forget_counters", "Oude tellers van snelheidslimieten opruimen")
def forget_counters(now: datetime.datetime) -> int:
    from .throttle import forget_old

    return forget_old(now.timestamp())
