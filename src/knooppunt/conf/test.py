"""Settings for the test suite: the real settings module with test-friendly environment defaults."""

import os

os.environ.setdefault(
    "SECRET_KEY", "test-secret-key-with-enough-length-and-entropy-0123456789abcdef"
)
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("KNOOPPUNT_SECURE", "0")
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")

from .settings import *  # noqa: E402,F403

# The one door (core.doors): every service call is checked, and a request that writes outside
# a service fails the test.
KNOOPPUNT_STRICT_DOORS = True
MIDDLEWARE = ["knooppunt.core.doors.GuardWritesMiddleware", *MIDDLEWARE]  # noqa: F405

# Hashing costs ~40 ms with the production Argon2 setting; tests that test hashing opt back in.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]  # noqa: F405
