"""Keeps the search index in step with the user model."""

from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_save


def _refresh_search_index(sender, instance, created, update_fields=None, **kwargs) -> None:
    from .search import INDEXED_FIELDS, refresh_index

    # A login's last_login does not come through here (see _copy_last_login).
    if update_fields is not None and not set(update_fields) & INDEXED_FIELDS:
        return
    refresh_index(instance)


def _copy_last_login(sender, request, user, **kwargs) -> None:
    """After the accounts app recorded a login (user_logged_in, connected before this one):
    the index's copy of last_login, in one UPDATE (core.sql)."""
    from knooppunt.core import sql

    from .models import UserSearchIndex

    if sql.update(UserSearchIndex(user_id=user.pk, last_login=user.last_login), "last_login") == 0:
        from .search import refresh_index

        refresh_index(user)


def connect() -> None:
    from knooppunt.accounts.models import User

    post_save.connect(_refresh_search_index, sender=User, dispatch_uid="usermanagement.index")
    user_logged_in.connect(_copy_last_login, dispatch_uid="usermanagement.index.last_login")
