"""Shared behaviour of the operator commands: a clear message and exit code 2 on bad input."""

import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand


class OperatorCommand(BaseCommand):
    def fail(self, message: str):
        self.stderr.write(f"Fout: {message}")
        sys.exit(2)

    def fail_validation(self, exc: ValidationError, names: dict[str, str] | None = None):
        names = names or {}
        if hasattr(exc, "error_dict"):
            lines = [
                f"{names.get(field, field)}: {' '.join(m for e in errors for m in e.messages)}"
                for field, errors in exc.error_dict.items()
            ]
        else:
            lines = exc.messages
        self.fail("; ".join(lines))
