"""The settings every benchmark process runs the app with (production settings, plain HTTP)."""


def django_environment(database_url: str, var_dir: str, allowed_hosts: str) -> dict[str, str]:
    return {
        "DJANGO_SETTINGS_MODULE": "knooppunt.conf.settings",
        "SECRET_KEY": "bench-only-secret-key-" + "x" * 40,
        "DEBUG": "0",
        "KNOOPPUNT_SECURE": "0",  # plain HTTP on the loopback; TLS is the proxy's job
        "ALLOWED_HOSTS": allowed_hosts,
        "DATABASE_URL": database_url,
        "KNOOPPUNT_VAR_DIR": var_dir,
    }
