"""Login-name generation: first initial + surname, ASCII, lower case, a number where needed
(`ptest`, `ptest2`, ...). Names are recorded in IssuedUsername and never issued again."""

import re
import unicodedata

from django.db import IntegrityError, transaction

from .models import IssuedUsername


def base_username(voorletters: str, voornaam: str, achternaam: str) -> str:
    initial = _ascii(voorletters or voornaam)[:1]
    surname = _ascii(achternaam)
    return (initial + surname)[:140] or "gebruiker"


def _ascii(value: str) -> str:
    folded = unicodedata.normalize("NFKD", value or "").encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", folded.lower())


def issue_username(voorletters: str, voornaam: str, achternaam: str) -> str:
    """Reserve and return a login name that was never issued before."""
    base = base_username(voorletters, voornaam, achternaam)
    pattern = re.compile(rf"^{re.escape(base)}(\d*)$")
    for _attempt in range(20):
        taken = IssuedUsername.objects.filter(name__startswith=base).values_list("name", flat=True)
        numbers = [int(m.group(1) or 1) for name in taken if (m := pattern.match(name))]
        candidate = base if not numbers else f"{base}{max(numbers) + 1}"
        try:
            with transaction.atomic():
                IssuedUsername.objects.create(name=candidate)
        except IntegrityError:
            continue  # a concurrent request took it; look again
        return candidate
    raise RuntimeError(f"Could not issue a login name for {base!r}")


def normalise_login_name(raw: str | None) -> str:
    """THE form of a typed login name, for the lookup, the lockout counter, the audit trail and
    'Wachtwoord aanvragen' alike: trimmed, NFKC-normalised and case-folded. Issued names are
    ASCII, so look-alike letters either fold onto their ASCII form (the long s, 'ſ', becomes
    's', and counts towards the same lockout) or stay non-ASCII and match nobody
    (`is_login_name`)."""
    return unicodedata.normalize("NFKC", (raw or "").strip()).casefold()[:150]


def is_login_name(normalised: str) -> bool:
    """Whether a normalised name can be an issued login name at all (ASCII letters, digits)."""
    return normalised.isascii() and bool(re.fullmatch(r"[a-z0-9]+", normalised))
