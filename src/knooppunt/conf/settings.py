"""Knooppunt's settings. Every value that differs per environment is read through `config()`."""

from datetime import timedelta
from pathlib import Path

import dj_database_url
import jinja2
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from .environ import config

SRC_DIR = Path(__file__).resolve().parent.parent  # src/knooppunt
BASE_DIR = SRC_DIR.parent.parent  # the checkout
VAR_DIR = Path(config("KNOOPPUNT_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = config("DEBUG", False, cast=bool)
_DEV_SECRET = "dev-only-insecure-secret-key-do-not-use-in-production"
SECRET_KEY = config("SECRET_KEY", _DEV_SECRET if DEBUG else None)
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
ALLOWED_HOSTS = config("ALLOWED_HOSTS", ["127.0.0.1", "localhost"], split=True)
KNOOPPUNT_BASE_URL = config("KNOOPPUNT_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
CSRF_TRUSTED_ORIGINS = config("CSRF_TRUSTED_ORIGINS", [KNOOPPUNT_BASE_URL], split=True)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "knooppunt.core",
    "knooppunt.audit",
    "knooppunt.organisations",
    "knooppunt.access",
    "knooppunt.accounts",
    "knooppunt.operators",
    "knooppunt.eherkenning",
    # Login security: lockout (django-axes) and second factors (django-otp).
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "knooppunt.usermanagement",
    "knooppunt.aanmelding",
    "knooppunt.scim",
    # Background jobs: django-q2 on the database (knooppunt.jobs, docs/decisions.md).
    "django_q",
    "knooppunt.jobs",
    "knooppunt.products",
    # The webservice (docs/decisions.md): REST on djangorestframework, OpenAPI by
    # drf-spectacular, Swagger UI from our own static files (drf-spectacular-sidecar). The api
    # app comes first: its Dutch catalogue keeps Django's wording for the messages DRF's own
    # Dutch catalogue words differently ("Dit veld is verplicht.").
    "knooppunt.api",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    # Berichtenverkeer iWmo/iJw (SPEC 7.1).
    "knooppunt.exchange",
    "knooppunt.aanvragen",
    "knooppunt.registertoets",
]

MIDDLEWARE = [
    # First: under /api/ every answer is problem details with the trace headers (knooppunt.api).
    "knooppunt.api.middleware.ApiMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "knooppunt.core.middleware.DutchFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "knooppunt.accounts.middleware.SessionSecurityMiddleware",
    "knooppunt.accounts.middleware.PasswordExpiryMiddleware",
    "knooppunt.core.middleware.AgreementsGateMiddleware",
    "knooppunt.core.middleware.RefusalAuditMiddleware",
    "axes.middleware.AxesMiddleware",
    # Innermost, so that it sees a view's exception first: a login code that could not be sent.
    "knooppunt.core.middleware.DeliveryFailureMiddleware",
    # Before any view reads the body (the CSRF check does): Wlz-aanvragen's upload limit.
    "knooppunt.aanvragen.middleware.UploadLimitMiddleware",
]

ROOT_URLCONF = "knooppunt.urls"
WSGI_APPLICATION = "knooppunt.wsgi.application"
CSRF_FAILURE_VIEW = "knooppunt.core.views.csrf_failure"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [SRC_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "knooppunt.core.context_processors.navigation",
                "knooppunt.core.context_processors.site",
            ],
        },
    },
    {
        # Fragments whose rows Django's template language renders too slowly: `*.jinja` in an
        # app's jinja2/ folder, rendered by the view into a page (docs/decisions.md).
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "APP_DIRS": True,
        "OPTIONS": {"undefined": jinja2.StrictUndefined},  # a misspelt name fails the tests
    },
]
# Widgets through Django's Jinja2 copies of its widget templates (core.widgets, docs/decisions.md).
FORM_RENDERER = "knooppunt.core.widgets.WidgetRenderer"

# Database: SQLite under var/ out of the box; PostgreSQL through DATABASE_URL in production and CI.
DATABASES = {
    "default": dj_database_url.parse(
        config("DATABASE_URL", f"sqlite:///{VAR_DIR / 'knooppunt.sqlite3'}"),
        conn_max_age=config("DATABASE_CONN_MAX_AGE", 60, cast=int),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL and a busy timeout keep concurrent requests from failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:welcome"
LOGOUT_REDIRECT_URL = "accounts:login"
# Axes first: it refuses locked-out login names before any password is checked. The password
# backend lets expired and deactivated accounts authenticate, so that the login page can tell
# someone who knows the password why they cannot get in; sessions only load active users.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "knooppunt.accounts.backends.PasswordBackend",
]

# Argon2id with OWASP's recommended cost (m=19 MiB, t=2, p=1); see docs/decisions.md.
PASSWORD_HASHERS = [
    "knooppunt.accounts.hashers.KnooppuntArgon2PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

# The password policy of SPEC 5.1 / Portero 2.1. Operators can tighten the options here.
KNOOPPUNT_PASSWORD_MIN_LENGTH = config("KNOOPPUNT_PASSWORD_MIN_LENGTH", 8, cast=int)
KNOOPPUNT_PASSWORD_MIN_CLASSES = config("KNOOPPUNT_PASSWORD_MIN_CLASSES", 3, cast=int)
KNOOPPUNT_PASSWORD_HISTORY = config("KNOOPPUNT_PASSWORD_HISTORY", 12, cast=int)
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "knooppunt.accounts.validators.MinimumLengthValidator",
        "OPTIONS": {"min_length": KNOOPPUNT_PASSWORD_MIN_LENGTH},
    },
    {
        "NAME": "knooppunt.accounts.validators.CharacterClassesValidator",
        "OPTIONS": {"min_classes": KNOOPPUNT_PASSWORD_MIN_CLASSES},
    },
    {"NAME": "knooppunt.accounts.validators.NoPersonalDataValidator"},
    {
        "NAME": "knooppunt.accounts.validators.PasswordHistoryValidator",
        "OPTIONS": {"history": KNOOPPUNT_PASSWORD_HISTORY},
    },
    {"NAME": "knooppunt.accounts.validators.CommonPasswordValidator"},
]
KNOOPPUNT_PASSWORD_VALIDITY = timedelta(
    days=config("KNOOPPUNT_PASSWORD_VALIDITY_DAYS", 91, cast=int)
)
KNOOPPUNT_PASSWORD_WARNING = timedelta(days=config("KNOOPPUNT_PASSWORD_WARNING_DAYS", 14, cast=int))
# Links in invitation and reset e-mails: valid 8 hours, usable once.
KNOOPPUNT_PASSWORD_LINK_VALIDITY = timedelta(
    hours=config("KNOOPPUNT_PASSWORD_LINK_HOURS", 8, cast=int)
)
# 'Wachtwoord aanvragen': at most this many requests per hour per login name and per address;
# more get the same receipt and no mail.
KNOOPPUNT_RESET_PER_NAME = config("KNOOPPUNT_RESET_PER_NAME", 3, cast=int)
KNOOPPUNT_RESET_PER_ADDRESS = config("KNOOPPUNT_RESET_PER_ADDRESS", 20, cast=int)
KNOOPPUNT_INACTIVITY_EXPIRY = timedelta(days=config("KNOOPPUNT_INACTIVITY_DAYS", 183, cast=int))
KNOOPPUNT_DELETED_RETENTION = timedelta(
    days=config("KNOOPPUNT_DELETED_RETENTION_DAYS", 365, cast=int)
)

# The second factor of SPEC 5.1 (Portero 2.2): a 6-digit code by SMS or e-mail, single use.
KNOOPPUNT_LOGIN_CODE_SECONDS = config("KNOOPPUNT_LOGIN_CODE_SECONDS", 600, cast=int)
KNOOPPUNT_LOGIN_CODE_ATTEMPTS = config("KNOOPPUNT_LOGIN_CODE_ATTEMPTS", 5, cast=int)
KNOOPPUNT_LOGIN_CODE_RESEND_SECONDS = config("KNOOPPUNT_LOGIN_CODE_RESEND_SECONDS", 60, cast=int)
KNOOPPUNT_LOGIN_CODE_MAX_SENDS = config("KNOOPPUNT_LOGIN_CODE_MAX_SENDS", 3, cast=int)
OTP_TOTP_ISSUER = "Knooppunt"

# Lockout (django-axes): 5 failed passwords in a row lock a login name for 15 minutes, whether
# or not the account exists; many failures from one address throttle that address.
AXES_HANDLER = "knooppunt.accounts.lockout.LoginAttemptHandler"
AXES_FAILURE_LIMIT = config("KNOOPPUNT_LOCKOUT_FAILURES", 5, cast=int)
KNOOPPUNT_LOCKOUT_IP_FAILURES = config("KNOOPPUNT_LOCKOUT_IP_FAILURES", 50, cast=int)
AXES_COOLOFF_TIME = timedelta(minutes=config("KNOOPPUNT_LOCKOUT_MINUTES", 15, cast=int))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_USERNAME_CALLABLE = "knooppunt.accounts.lockout.normalised_username"
AXES_LOCKOUT_CALLABLE = "knooppunt.accounts.lockout.lockout_response"
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # locked 15 minutes, not "until quiet"
AXES_DISABLE_ACCESS_LOG = True  # successful logins are in the audit trail already
AXES_ENABLE_ADMIN = False  # the operator unlocks from the user page of the console
AXES_VERBOSE = False
AXES_CLIENT_IP_CALLABLE = "knooppunt.core.http.client_ip"  # the address the audit trail shows

# Sessions: stored in the database, so app processes stay stateless.
SESSION_ENGINE = "knooppunt.accounts.sessions"  # database sessions, fewer queries per login
SESSION_COOKIE_AGE = config(
    "KNOOPPUNT_SESSION_MAX_SECONDS", 10 * 3600, cast=int
)  # absolute maximum
KNOOPPUNT_SESSION_IDLE_SECONDS = config("KNOOPPUNT_SESSION_IDLE_SECONDS", 20 * 60, cast=int)
SESSION_COOKIE_HTTPONLY = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Seconds before the idle timeout at which pages with JavaScript warn (SPEC 5.3).
KNOOPPUNT_SESSION_WARNING_SECONDS = config("KNOOPPUNT_SESSION_WARNING_SECONDS", 120, cast=int)
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
_secure = config("KNOOPPUNT_SECURE", not DEBUG, cast=bool)
SESSION_COOKIE_SECURE = _secure
CSRF_COOKIE_SECURE = _secure
SECURE_SSL_REDIRECT = config("KNOOPPUNT_SSL_REDIRECT", _secure, cast=bool)
SECURE_HSTS_SECONDS = config("KNOOPPUNT_HSTS_SECONDS", 31536000 if _secure else 0, cast=int)
SECURE_HSTS_INCLUDE_SUBDOMAINS = _secure
SECURE_HSTS_PRELOAD = _secure
KNOOPPUNT_BEHIND_PROXY = config("KNOOPPUNT_BEHIND_PROXY", False, cast=bool)
if KNOOPPUNT_BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# How many proxies of our own append to X-Forwarded-For: the client's address is the entry the
# outermost of them wrote (core.http.client_ip). 0: the header is ignored. Opt-in: only
# a proxy that appends to the header makes it trustworthy (the check core.W001 reminds).
KNOOPPUNT_PROXY_COUNT = config("KNOOPPUNT_PROXY_COUNT", 0, cast=int)
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}

# Language: Dutch first, English selectable.
LANGUAGE_CODE = "nl"
# Each language in its own name ("English", not "Engels"): the option is marked lang="en".
LANGUAGES = [("nl", "Nederlands"), ("en", "English")]
LOCALE_PATHS = [SRC_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(config("STATIC_ROOT", str(VAR_DIR / "static")))
STATICFILES_DIRS = [SRC_DIR / "static"]  # the project's own CSS and JS (not inside an app)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Message payloads (knooppunt.exchange): through Django's storage API, never at a public URL;
# they are served by an authorised view only. The filesystem by default; S3-compatible storage
# through django-storages (`storages.backends.s3.S3Storage`, needs boto3), see the README.
_EXCHANGE_BACKEND = config(
    "KNOOPPUNT_EXCHANGE_STORAGE_BACKEND", "django.core.files.storage.FileSystemStorage"
)
if _EXCHANGE_BACKEND == "django.core.files.storage.FileSystemStorage":
    _EXCHANGE_OPTIONS: dict = {
        "location": config("KNOOPPUNT_EXCHANGE_STORAGE_DIR", str(VAR_DIR / "berichten")),
        "base_url": None,
        "file_permissions_mode": 0o600,
        "directory_permissions_mode": 0o700,
    }
else:
    _EXCHANGE_OPTIONS = {
        "bucket_name": config("KNOOPPUNT_EXCHANGE_S3_BUCKET", ""),
        "endpoint_url": config("KNOOPPUNT_EXCHANGE_S3_ENDPOINT_URL", None),
        "region_name": config("KNOOPPUNT_EXCHANGE_S3_REGION", None),
        "access_key": config("KNOOPPUNT_EXCHANGE_S3_ACCESS_KEY", None),
        "secret_key": config("KNOOPPUNT_EXCHANGE_S3_SECRET_KEY", None),
        "location": config("KNOOPPUNT_EXCHANGE_S3_PREFIX", "berichten"),
        "default_acl": "private",
        "querystring_auth": True,
        "file_overwrite": False,
    }
STORAGES["exchange"] = {"BACKEND": _EXCHANGE_BACKEND, "OPTIONS": _EXCHANGE_OPTIONS}
# Attachments of Wlz-aanvragen: a folder no URL serves (aanvragen.opslag); any storage backend.
STORAGES["bijlagen"] = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"location": config("KNOOPPUNT_BIJLAGEN_DIR", str(VAR_DIR / "bijlagen"))},
}
WHITENOISE_USE_FINDERS = True  # serve static files straight from the apps, no collectstatic step

# Mail: any Django backend; `make run` and the tests use the file backend (one file per message).
EMAIL_BACKEND = config("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_FILE_PATH = config("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
EMAIL_HOST = config("EMAIL_HOST", "localhost")
EMAIL_PORT = config("EMAIL_PORT", 25, cast=int)
EMAIL_HOST_USER = config("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = config("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = config("EMAIL_USE_TLS", False, cast=bool)
DEFAULT_FROM_EMAIL = config("DEFAULT_FROM_EMAIL", "Knooppunt <noreply@knooppunt.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Background jobs (django-q2, database broker): `knooppunt worker` runs them, any number of
# workers on one database. A job whose worker died is handed out again after `retry` seconds;
# one that fails (a mail server that is down) is tried again then, up to `max_attempts`.
Q_CLUSTER = {
    "name": "knooppunt",
    "orm": "default",
    "workers": config("KNOOPPUNT_WORKER_PROCESSES", 1, cast=int),
    "timeout": config("KNOOPPUNT_JOB_TIMEOUT", 120, cast=int),
    "retry": config("KNOOPPUNT_JOB_RETRY", 180, cast=int),
    "max_attempts": config("KNOOPPUNT_JOB_ATTEMPTS", 5, cast=int),
    "ack_failures": False,  # a failed job stays queued and is retried
    "catch_up": False,  # a schedule missed while no worker ran runs once, not once per miss
    "save_limit": 1000,
    "poll": 0.5,
    "bulk": 1,
    "label": _("Achtergrondtaken"),
}
KNOOPPUNT_MAIL_ATTEMPTS = config("KNOOPPUNT_MAIL_ATTEMPTS", 8, cast=int)

# SMS: a small gateway interface (knooppunt.sms); `file` writes one file per message.
KNOOPPUNT_SMS_BACKEND = config("KNOOPPUNT_SMS_BACKEND", "file")
KNOOPPUNT_SMS_FILE_PATH = config("KNOOPPUNT_SMS_FILE_PATH", str(VAR_DIR / "sms"))

# eHerkenning (SPEC 5.2): brokers are configured by the operator; these tune the relying party.
KNOOPPUNT_EHERKENNING_HTTP_TIMEOUT = config("KNOOPPUNT_EHERKENNING_HTTP_TIMEOUT", 10, cast=int)
KNOOPPUNT_EHERKENNING_METADATA_HOURS = config("KNOOPPUNT_EHERKENNING_METADATA_HOURS", 24, cast=int)
KNOOPPUNT_EHERKENNING_CODE_ATTEMPTS = config("KNOOPPUNT_EHERKENNING_CODE_ATTEMPTS", 5, cast=int)

# Secrets at rest (core.crypto): Fernet keys for the authenticator keys and broker secrets, the
# first encrypts and all decrypt (rotation: README); empty: one derived from SECRET_KEY (check
# core.W002). The login code is stored as an HMAC with its own key.
KNOOPPUNT_FIELD_KEYS = config("KNOOPPUNT_FIELD_KEYS", [], split=True)
KNOOPPUNT_LOGIN_CODE_KEY = config("KNOOPPUNT_LOGIN_CODE_KEY", SECRET_KEY)
# SCIM tokens are kept as an HMAC under this key (scim.tokens); changing it voids every token.
KNOOPPUNT_SCIM_TOKEN_KEY = config("KNOOPPUNT_SCIM_TOKEN_KEY", SECRET_KEY)

# The footer's contact (as in the manuals' contact chapters), privacy statement and
# toegankelijkheidsverklaring. The statements are plain-text files (paragraphs separated by an
# empty line); without one, the portal shows its own default text.
KNOOPPUNT_SERVICEDESK_NAME = config("KNOOPPUNT_SERVICEDESK_NAME", "")
KNOOPPUNT_SERVICEDESK_PHONE = config("KNOOPPUNT_SERVICEDESK_PHONE", "088 123 45 67")
KNOOPPUNT_SERVICEDESK_HOURS = config("KNOOPPUNT_SERVICEDESK_HOURS", "")
KNOOPPUNT_SERVICEDESK_EMAIL = config("KNOOPPUNT_SERVICEDESK_EMAIL", "servicedesk@knooppunt.example")
KNOOPPUNT_PORTAL_OWNER = config("KNOOPPUNT_PORTAL_OWNER", "de beheerorganisatie van Knooppunt")
KNOOPPUNT_PRIVACY_STATEMENT_FILE = config("KNOOPPUNT_PRIVACY_STATEMENT_FILE", "")
KNOOPPUNT_ACCESSIBILITY_STATEMENT_FILE = config("KNOOPPUNT_ACCESSIBILITY_STATEMENT_FILE", "")
KNOOPPUNT_ACCESSIBILITY_STATEMENT_DATE = config(
    "KNOOPPUNT_ACCESSIBILITY_STATEMENT_DATE", "2026-12-01"
)

# "Aanmelden gebruikersbeheerder" (BIDN 2): requests per address per day, and the upload limit.
KNOOPPUNT_APPLICATION_LIMIT = config("KNOOPPUNT_APPLICATION_LIMIT", 3, cast=int)
KNOOPPUNT_APPLICATION_MAX_MB = config("KNOOPPUNT_APPLICATION_MAX_MB", 5, cast=int)

# Wlz-aanvragen (SPEC 7.3): attachments of at most 10 MB, 10 per application; a PDF may unpack
# to at most this many MB (a bigger one is a bomb); client data and attachments are removed this
# many days after the decision or withdrawal. The client's BSN is found by its HMAC under
# KNOOPPUNT_BSN_KEY (changing it makes stored applications unfindable by BSN).
KNOOPPUNT_AANVRAGEN_MAX_BIJLAGE_MB = config("KNOOPPUNT_AANVRAGEN_MAX_BIJLAGE_MB", 10, cast=int)
KNOOPPUNT_AANVRAGEN_MAX_BIJLAGEN = config("KNOOPPUNT_AANVRAGEN_MAX_BIJLAGEN", 10, cast=int)
KNOOPPUNT_AANVRAGEN_PDF_MAX_UNPACKED_MB = config(
    "KNOOPPUNT_AANVRAGEN_PDF_MAX_UNPACKED_MB", 300, cast=int
)
KNOOPPUNT_AANVRAGEN_RETENTION_DAYS = config("KNOOPPUNT_AANVRAGEN_RETENTION_DAYS", 90, cast=int)

# BSNs (Wlz-Registertoets, Wlz-aanvragen; SPEC 7.2, 7.3): found by an HMAC under this key (never
# change it once a register is loaded; check registertoets.W001) and
# encrypted under KNOOPPUNT_FIELD_KEYS. Lookups are kept 5 years; a bulk check's result until
# it is downloaded, at most this many hours.
KNOOPPUNT_BSN_KEY = config("KNOOPPUNT_BSN_KEY", SECRET_KEY)
KNOOPPUNT_REGISTERTOETS_LOG_DAYS = config("KNOOPPUNT_REGISTERTOETS_LOG_DAYS", 1827, cast=int)
KNOOPPUNT_REGISTERTOETS_RESULT_HOURS = config("KNOOPPUNT_REGISTERTOETS_RESULT_HOURS", 24, cast=int)

# Audit chain: HMAC key, so a database editor cannot recompute the chain. Defaults to SECRET_KEY.
KNOOPPUNT_AUDIT_KEY = config("KNOOPPUNT_AUDIT_KEY", SECRET_KEY)
# The one door (core.doors): a service that asks no rule or writes no audit event is an error
# (raised when strict, as in the test suite; logged otherwise).
KNOOPPUNT_STRICT_DOORS = config("KNOOPPUNT_STRICT_DOORS", False, cast=bool)
# Refused requests in the audit trail: at most this many per actor (or address) per minute.
KNOOPPUNT_AUDIT_REFUSALS_PER_MINUTE = config("KNOOPPUNT_AUDIT_REFUSALS_PER_MINUTE", 20, cast=int)
# Events are chained by the job worker's sealer every KNOOPPUNT_AUDIT_SEAL_INTERVAL seconds (and
# by the request itself after its commit when KNOOPPUNT_AUDIT_SEAL_ON_COMMIT is on);
# `verify_audit` reports any left unchained longer than KNOOPPUNT_AUDIT_SEAL_SECONDS.
KNOOPPUNT_AUDIT_SEAL_INTERVAL = config("KNOOPPUNT_AUDIT_SEAL_INTERVAL", 1.0, cast=float)
KNOOPPUNT_AUDIT_SEAL_ON_COMMIT = config("KNOOPPUNT_AUDIT_SEAL_ON_COMMIT", False, cast=bool)
KNOOPPUNT_AUDIT_SEAL_SECONDS = config("KNOOPPUNT_AUDIT_SEAL_SECONDS", 300, cast=int)

# The webservice under /api/v1/ (knooppunt.api, README "Webservice"). Credentials are made on the
# "Productinstellingen" tab; every call counts against its credential's limit: this many calls
# per window (sliding), or the credential's own limit set by the operator. The counters are in the
# database (table api_ratecounter), or in Redis when KNOOPPUNT_REDIS_URL is set; never in a
# process's memory, so every app process counts the same calls.
KNOOPPUNT_API_PREFIX = "/api/"
KNOOPPUNT_API_RATE_LIMIT = config("KNOOPPUNT_API_RATE_LIMIT", 600, cast=int)
KNOOPPUNT_API_RATE_WINDOW_SECONDS = config("KNOOPPUNT_API_RATE_WINDOW_SECONDS", 60, cast=int)
# Limits of endpoints that count in a scope of their own (ApiView.throttle_scope): "scope=n,...".
KNOOPPUNT_API_RATE_LIMITS = {
    name.strip(): int(value)
    for name, _sep, value in (
        item.partition("=") for item in config("KNOOPPUNT_API_RATE_LIMITS", [], split=True)
    )
    if name.strip() and value.strip().isdigit()
}
KNOOPPUNT_REDIS_URL = config("KNOOPPUNT_REDIS_URL", "")
# The largest request body an endpoint takes unless it says otherwise (413 above it).
KNOOPPUNT_API_MAX_BODY_BYTES = config("KNOOPPUNT_API_MAX_BODY_BYTES", 1024 * 1024, cast=int)
# How long a key keeps working after "Vernieuwen" unless the Productbeheerder chooses otherwise.
KNOOPPUNT_API_ROTATION_GRACE_HOURS = config("KNOOPPUNT_API_ROTATION_GRACE_HOURS", 24, cast=int)
# The integrators' guide, shown at /webservice/handleiding/ and linked from the tab.
KNOOPPUNT_API_GUIDE = config("KNOOPPUNT_API_GUIDE", str(BASE_DIR / "docs" / "webservice.md"))

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["knooppunt.api.authentication.CredentialAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["knooppunt.api.permissions.RuleRequired"],
    "DEFAULT_THROTTLE_CLASSES": ["knooppunt.api.throttling.CredentialRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "knooppunt.api.problems.exception_handler",
    "UNAUTHENTICATED_USER": "knooppunt.api.authentication.anonymous",
    "UNAUTHENTICATED_TOKEN": None,
    "URL_FORMAT_OVERRIDE": None,
    "UNICODE_JSON": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Knooppunt webservice",
    "DESCRIPTION": (
        "De webservice van Knooppunt voor systeem-tot-systeemgebruik van de producten. Elke "
        "aanroep stuurt de sleutel van een webservice-koppeling mee (`Authorization: Bearer "
        "<sleutel>`); de productbeheerder maakt die aan op het tabblad Productinstellingen. "
        "Fouten zijn problem details (RFC 9457, `application/problem+json`). De handleiding "
        f"voor integratoren staat op {KNOOPPUNT_BASE_URL}/webservice/handleiding/."
    ),
    "VERSION": "1",
    "OAS_VERSION": "3.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None, "tryItOutEnabled": False},
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "knooppunt.api.schema.add_conventions",
    ],
    "ENUM_NAME_OVERRIDES": {
        "AanvraagStatusEnum": "knooppunt.aanvragen.models.Status",
        "AanvraagsoortEnum": "knooppunt.aanvragen.soorten.Soort",
        # A message's status (its values, as the serializers list them), beside health's.
        "BerichtStatusEnum": "knooppunt.exchange.models.Status.values",
    },
}
# Berichtenverkeer iWmo/iJw (knooppunt.exchange, SPEC 7.1). Schema sets per release: folders
# `iwmo-3.2/`, `ijw-3.3/`, ... in these directories; empty: the package's own 3.2 copy.
KNOOPPUNT_ISTANDAARDEN_DIRS = config("KNOOPPUNT_ISTANDAARDEN_DIRS", [], split=True)
# 25 MB per file, as VECOZO and the GGk; a ZIP holds at most 100 files and unpacks to at most
# KNOOPPUNT_EXCHANGE_ZIP_MAX_BYTES (a ZIP bomb is refused before it fills memory).
KNOOPPUNT_EXCHANGE_MAX_FILE_BYTES = config(
    "KNOOPPUNT_EXCHANGE_MAX_FILE_BYTES", 25 * 1024 * 1024, cast=int
)
KNOOPPUNT_EXCHANGE_ZIP_MAX_FILES = config("KNOOPPUNT_EXCHANGE_ZIP_MAX_FILES", 100, cast=int)
KNOOPPUNT_EXCHANGE_ZIP_MAX_BYTES = config(
    "KNOOPPUNT_EXCHANGE_ZIP_MAX_BYTES", 100 * 1024 * 1024, cast=int
)
# At most one notification mail per address per this many minutes; the rest is bundled.
KNOOPPUNT_EXCHANGE_NOTIFY_MINUTES = config("KNOOPPUNT_EXCHANGE_NOTIFY_MINUTES", 15, cast=int)
# Retention (README): the payload 60 days after it was retrieved (VECOZO keeps 2 months) or 90
# days after it arrived when never retrieved; the metadata 2 years; refused files' lists 90 days.
KNOOPPUNT_EXCHANGE_PAYLOAD_DAYS = config("KNOOPPUNT_EXCHANGE_PAYLOAD_DAYS", 60, cast=int)
KNOOPPUNT_EXCHANGE_UNRETRIEVED_DAYS = config("KNOOPPUNT_EXCHANGE_UNRETRIEVED_DAYS", 90, cast=int)
KNOOPPUNT_EXCHANGE_METADATA_DAYS = config("KNOOPPUNT_EXCHANGE_METADATA_DAYS", 730, cast=int)
KNOOPPUNT_EXCHANGE_REFUSAL_DAYS = config("KNOOPPUNT_EXCHANGE_REFUSAL_DAYS", 90, cast=int)
# Payloads without a message row older than this are removed by the sweep (a crash mid-upload).
KNOOPPUNT_EXCHANGE_ORPHAN_MINUTES = config("KNOOPPUNT_EXCHANGE_ORPHAN_MINUTES", 60, cast=int)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": config("LOG_LEVEL", "WARNING")},
    # Failed logins are in the audit trail; axes' own warning per failure would only repeat them.
    "loggers": {
        "axes": {"level": "ERROR"},
        # Every seal of the audit chain: its last number and hash, for a log kept outside the
        # database (docs/decisions.md, "An audit trail that does not serialise its writers").
        "knooppunt.audit.checkpoints": {
            "level": config("KNOOPPUNT_AUDIT_CHECKPOINT_LOG_LEVEL", "INFO"),
        },
    },
}
