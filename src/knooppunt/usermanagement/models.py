"""The search index behind the "Gebruikers" list: one row per user with a lower-cased,
accent-folded text to search in and the sort keys of the list's columns, so that search, sort,
count and paging of a 20,000-user organisation (or of all users, for the operator) run on
indexes of one table. Kept up to date by `search.refresh_index`, called from a post_save signal
of the user model (so users created anywhere are indexed)."""

from django.conf import settings
from django.db import models


class UserSearchIndex(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="search_index",
    )
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    deleted = models.BooleanField(default=False)
    # Login name, initials, names, "naam" and e-mail, normalised (search.normalise).
    text = models.TextField()
    sort_name = models.CharField(max_length=320)
    username = models.CharField(max_length=150)
    last_login = models.DateTimeField(null=True, blank=True)
    remark = models.CharField(max_length=500, blank=True)

    class Meta:
        indexes = [
            # The organisation's list sorted by name: walked in order, and the text and the
            # deleted flag in the key let the count run on the index alone.
            models.Index(
                fields=["organisation", "sort_name", "user", "deleted", "text"],
                name="um_org_name_idx",
            ),
            models.Index(fields=["organisation", "username"], name="um_org_username_idx"),
            models.Index(fields=["organisation", "last_login", "user"], name="um_org_login_idx"),
            models.Index(fields=["organisation", "remark", "user"], name="um_org_remark_idx"),
            # The operator's list over all organisations.
            models.Index(fields=["sort_name", "user", "deleted", "text"], name="um_name_idx"),
            models.Index(fields=["username"], name="um_username_idx"),
            models.Index(fields=["last_login", "user"], name="um_login_idx"),
        ]

    def __str__(self) -> str:
        return self.username
