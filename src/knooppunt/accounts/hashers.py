from django.contrib.auth.hashers import Argon2PasswordHasher


class KnooppuntArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id at OWASP's recommended cost: 19 MiB, 2 passes, 1 lane (see docs/decisions.md)."""

    algorithm = "argon2"
    time_cost = 2
    memory_cost = 19 * 1024
    parallelism = 1
