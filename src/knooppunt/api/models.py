"""The API's own bookkeeping: rate-limit counters, one row per key (a credential, a client
address), in the database so that every app process counts the same calls (SPEC 10: no state in
process memory). Written outside the services like the lockout's counters: counting calls is not
a change of the portal's state."""

from django.db import models


class RateCounter(models.Model):
    key = models.CharField(max_length=100, primary_key=True)
    # The current fixed window (its start in seconds since the epoch, a multiple of the window)
    # with its hits, and the hits of the window before it, for the sliding estimate.
    window_start = models.BigIntegerField()
    hits = models.PositiveIntegerField(default=0)
    previous_hits = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "API-teller"
        verbose_name_plural = "API-tellers"

    def __str__(self) -> str:
        return f"{self.key}: {self.hits}"
