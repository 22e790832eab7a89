from django import forms
from django.contrib.auth import authenticate, password_validation
from django.utils.translation import gettext_lazy as _

from .lockout import locked_message
from .models import CodeChannel


class LoginForm(forms.Form):
    username = forms.CharField(
        label=_("Gebruikersnaam"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )
    password = forms.CharField(
        label=_("Wachtwoord"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class PasswordRequestForm(forms.Form):
    username = forms.CharField(
        label=_("Gebruikersnaam"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )


class SetPasswordForm(forms.Form):
    """'Nieuw wachtwoord instellen' (Portero 2.1)."""

    new_password1 = forms.CharField(
        label=_("Nieuw wachtwoord"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_password2 = forms.CharField(
        label=_("Herhaal nieuw wachtwoord"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        self.fields[
            "new_password1"
        ].help_text = password_validation.password_validators_help_text_html()

    def clean_new_password2(self):
        # Only the equality of the two entries is the form's business: the policy is checked
        # once, by the service that sets the password (each history entry costs a hash).
        first = self.cleaned_data.get("new_password1")
        second = self.cleaned_data.get("new_password2")
        if first and second and first != second:
            raise forms.ValidationError(_("De twee wachtwoorden zijn niet gelijk."))
        return second


class CodeForm(forms.Form):
    """'Verificatiecode *' of the TWEE-FACTOR AUTHENTICATIE page (Portero 2.2)."""

    code = forms.CharField(
        label=_("Verificatiecode"),
        max_length=32,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )

    def __init__(self, *args, digits_only: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if digits_only:
            self.fields["code"].widget.attrs.update(inputmode="numeric", maxlength="6")


class PasswordChangeForm(SetPasswordForm):
    """'Wachtwoord wijzigen' for a logged-in user: the current password and the new one twice."""

    field_order = ["old_password", "new_password1", "new_password2"]

    old_password = forms.CharField(
        label=_("Huidig wachtwoord"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, user, *args, request=None, **kwargs):
        self.request = request
        super().__init__(user, *args, **kwargs)

    def clean_old_password(self):
        return _current_password(
            self.request,
            self.user,
            self.cleaned_data["old_password"],
            _("Het huidige wachtwoord is onjuist."),
        )


class CodeChannelForm(forms.Form):
    code_channel = forms.ChoiceField(
        label=_("Verificatiecode ontvangen via"),
        choices=CodeChannel.choices,
        widget=forms.RadioSelect,
    )


class ConfirmPasswordForm(forms.Form):
    password = forms.CharField(
        label=_("Wachtwoord"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, user, *args, request=None, **kwargs):
        self.user, self.request = user, request
        super().__init__(*args, **kwargs)

    def clean_password(self):
        return _current_password(
            self.request, self.user, self.cleaned_data["password"], _("Het wachtwoord is onjuist.")
        )


def _current_password(request, user, password: str, wrong) -> str:
    """`password` when it is the user's own. Through authenticate(), so that a wrong current
    password counts towards the login name's lockout like a wrong login (docs/decisions.md:
    someone guessing in a session left open gets no more tries than at the login page), and
    each wrong one is audited."""
    checked = authenticate(request, username=user.username, password=password)
    if checked is None or checked.pk != user.pk:
        from .services import refuse_current_password

        locked = getattr(request, "axes_locked_out", False)
        refuse_current_password(request, user, locked=locked)
        if locked:
            raise forms.ValidationError(locked_message(), code="locked")
        raise forms.ValidationError(wrong, code="wrong")
    return password
