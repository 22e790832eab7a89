"""Small helpers shared by the portal's forms."""

from django.core.exceptions import ValidationError


def show_errors(form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form: each field's errors next to that field, the
    rest (and errors of fields the form does not have) at the top."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)
