"""Shared bookkeeping of the portal: rate-limit counters in the database, so that any number of
web and worker processes count together (core.throttle)."""

from django.db import models


class RateCounter(models.Model):
    """Hits of one key in one fixed window ("password-reset:name:ptest", window start)."""

    key = models.CharField(max_length=200)
    window = models.BigIntegerField()  # the window's start, in seconds since the epoch
    hits = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "window"], name="one_counter")]
        indexes = [models.Index(fields=["window"], name="ratecounter_window")]

    def __str__(self) -> str:
        return f"{self.key} @ {self.window}: {self.hits}"
