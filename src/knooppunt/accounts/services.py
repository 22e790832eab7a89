"""Creating users. Views, commands and the API call these; each runs in one transaction and
writes its audit event."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from knooppunt.audit.services import record

from . import rules
from .models import Status, User
from .passwords import send_invitation
from .usernames import issue_username

PERSONAL_FIELDS = (
    "voorletters",
    "voornaam",
    "tussenvoegsel",
    "achternaam",
    "email",
    "uzi_nummer",
    "telefoonnummer",
    "memo",
)


def clean_personal_data(data: dict, organisation, *, exclude_user_id=None) -> dict:
    """Check and normalise the personal fields; raise one ValidationError with all field errors."""
    cleaned, errors = {}, {}
    for name in ("voorletters", "voornaam", "achternaam"):
        value = (data.get(name) or "").strip()
        if not value:
            errors[name] = ValidationError(_("Dit veld is verplicht."), code="required")
        cleaned[name] = value
    cleaned["tussenvoegsel"] = (data.get("tussenvoegsel") or "").strip()
    cleaned["memo"] = (data.get("memo") or "").strip()
    for name, func in (
        ("email", lambda v: rules.clean_email(v, organisation, exclude_user_id=exclude_user_id)),
        ("telefoonnummer", rules.clean_mobile),
        ("uzi_nummer", rules.clean_uzi),
    ):
        try:
            cleaned[name] = func(data.get(name) or "")
        except ValidationError as exc:
            errors[name] = exc
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def create_user(
    actor,
    organisation,
    data: dict,
    *,
    is_administrator: bool = False,
    invite: bool = True,
    request=None,
) -> User:
    """Create an invited user with a fresh login name and (by default) mail the invitation."""
    cleaned = clean_personal_data(data, organisation)
    user = User(
        organisation=organisation,
        status=Status.INVITED,
        is_administrator=is_administrator,
        created_by=actor,
        username=issue_username(cleaned["voorletters"], cleaned["voornaam"], cleaned["achternaam"]),
        **cleaned,
    )
    user.set_unusable_password()
    user.save()
    record(
        "user.create",
        actor=actor,
        request=request,
        organisation=organisation,
        target=user,
        details={"is_administrator": is_administrator},
    )
    if invite:
        # Inside the transaction: if the mail cannot be sent, no half-made user is left behind.
        send_invitation(user)
    return user
