"""The password policy of SPEC 5.1 (Portero 2.1) as Django password validators."""

import re
from functools import cache
from pathlib import Path

from django.contrib.auth import password_validation
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

CLASSES = (
    ("upper", re.compile(r"[A-Z]")),
    ("lower", re.compile(r"[a-z]")),
    ("digit", re.compile(r"[0-9]")),
    ("other", re.compile(r"[^A-Za-z0-9]")),
)


class CharacterClassesValidator:
    """At least `min_classes` of: upper case, lower case, digit, punctuation/other."""

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        found = sum(1 for _name, pattern in CLASSES if pattern.search(password))
        if found < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_few_classes")

    def get_help_text(self):
        return _(
            "Het wachtwoord moet tekens bevatten uit minimaal %(n)d van de categorieën: "
            "hoofdletter, kleine letter, cijfer (0..9), leesteken (bijvoorbeeld !, $, #, %%)."
        ) % {"n": self.min_classes}


class NoPersonalDataValidator:
    """No login name, and no part of 3+ characters of the user's names or e-mail local part."""

    min_part = 3

    def validate(self, password, user=None):
        if user is None:
            return
        lowered = password.lower()
        username = (getattr(user, "username", "") or "").lower()
        if username and username in lowered:
            raise ValidationError(
                _("Het wachtwoord mag uw gebruikersnaam niet bevatten."),
                code="password_contains_username",
            )
        email = getattr(user, "email", "") or ""
        sources = [
            getattr(user, "voornaam", ""),
            getattr(user, "achternaam", ""),
            getattr(user, "tussenvoegsel", ""),
            email.split("@")[0],
        ]
        for source in sources:
            for part in self._parts(source):
                if part in lowered:
                    raise ValidationError(
                        _("Een wachtwoord mag geen delen van de (gebruikers)naam bevatten."),
                        code="password_contains_name",
                    )

    def _parts(self, value: str):
        """Every substring of at least 3 characters of each word: 'Jansen' -> 'jan', 'ans', ..."""
        for word in re.split(r"[\s.\-_'+]+", (value or "").lower()):
            for start in range(len(word) - self.min_part + 1):
                yield word[start : start + self.min_part]

    def get_help_text(self):
        return _("Een wachtwoord mag geen delen van de (gebruikers)naam bevatten.")


class PasswordHistoryValidator:
    """A new password must differ from the previous `history` passwords (the current included)."""

    def __init__(self, history: int = 12):
        self.history = history

    def validate(self, password, user=None):
        if user is None or user.pk is None:
            return
        previous = list(user.password_history.values_list("password", flat=True)[: self.history])
        if user.password and user.has_usable_password() and user.password not in previous:
            previous = [user.password, *previous][: self.history]
        if any(check_password(password, encoded) for encoded in previous):
            raise ValidationError(self.get_help_text(), code="password_reused")

    def get_help_text(self):
        return ngettext(
            "Een nieuw wachtwoord mag niet identiek zijn aan het vorige wachtwoord.",
            "Een nieuw wachtwoord mag niet identiek zijn aan %(n)d voorgaande wachtwoorden.",
            self.history,
        ) % {"n": self.history}


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's rule with the manual's wording ("Minimale lengte van 8 karakters")."""

    def get_error_message(self):
        return _("Het wachtwoord is te kort: minimale lengte van %(n)d karakters.") % {
            "n": self.min_length
        }

    def get_help_text(self):
        return _("Minimale lengte van %(n)d karakters.") % {"n": self.min_length}


# The Dutch list (accounts/data/README.md: source and licence) beside Django's English one.
DUTCH_PASSWORDS = Path(__file__).resolve().parent / "data" / "common-passwords-nl.txt"
# Look-alikes people put in for letters; "1" stands for both i and l.
_LOOK_ALIKES = [
    str.maketrans("0134578@$!|+", "oieastbasilt"),
    str.maketrans("0134578@$!|+", "oleastbasilt"),
]
_AROUND = re.compile(r"^[\W\d_]+|[\W\d_]+$")
MIN_WORD = 4  # a shorter word left after stripping says little ("Abc!2026xy" is no "abc")


def common_password_forms(password: str) -> set[str]:
    """The forms of a password that are looked up: Django's normalisation (lower case, outer
    spaces removed), then also without the digits and punctuation around it and with look-alike
    substitutions undone: 'Welkom01!' -> 'welkom', 'W@chtw00rd2' -> 'wachtwoord'."""
    normalised = password.lower().strip()
    forms = {normalised}
    for candidate in (normalised, *(normalised.translate(t) for t in _LOOK_ALIKES)):
        stripped = _AROUND.sub("", candidate)
        for form in (stripped, *(stripped.translate(t) for t in _LOOK_ALIKES)):
            if len(form) >= MIN_WORD:
                forms.add(form)
    return forms


class CommonPasswordValidator(password_validation.CommonPasswordValidator):
    """Django's list of 20,000 common passwords and a Dutch list of about 10,000 words
    (accounts/data), each looked up in the forms of `common_password_forms`, with a Dutch
    refusal."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.passwords = self.passwords | _dutch_passwords()

    def validate(self, password, user=None):
        if not self.passwords.isdisjoint(common_password_forms(password)):
            raise ValidationError(self.get_error_message(), code="password_too_common")

    def get_error_message(self):
        return _(
            "Dit wachtwoord is te bekend (het staat op een lijst van veelgebruikte wachtwoorden)."
        )

    def get_help_text(self):
        return _("Het wachtwoord mag geen veelgebruikt wachtwoord zijn.")


@cache
def _dutch_passwords() -> frozenset[str]:
    # Read as Django reads its own list: one entry a line, stripped.
    with DUTCH_PASSWORDS.open(encoding="utf-8") as f:
        return frozenset(line.strip() for line in f if line.strip())
