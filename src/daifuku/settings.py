"""Django settings for Daifuku, read from ``DAIFUKU_*`` environment variables.

Two modes:

* development (default): DEBUG off unless ``DAIFUKU_DEBUG=1``, plain HTTP on loopback,
  a secret key generated once and kept in the data directory;
* production (``DAIFUKU_ENV=production``): a secret key must be given, HTTPS-only cookies,
  HSTS and SSL redirect — ``daifuku check --deploy`` passes.

The database is SQLite in the data directory unless ``DAIFUKU_DATABASE_URL`` names another
(PostgreSQL: ``postgres://user@host:5432/name``).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(f"DAIFUKU_{name}", default)


def env_bool(name: str, default: bool = False) -> bool:
    value = env(name, "1" if default else "0").strip().lower()
    return value in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


ENVIRONMENT = env("ENV", "development")
if ENVIRONMENT not in {"development", "production"}:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        f"DAIFUKU_ENV must be 'development' or 'production', not {ENVIRONMENT!r}"
    )
PRODUCTION = ENVIRONMENT == "production"
TESTING = env_bool("TESTING")

DATA_DIR = Path(env("DATA_DIR", str(Path.cwd() / "var"))).resolve()


def _secret_key() -> str:
    given = env("SECRET_KEY")
    if given:
        return given
    if PRODUCTION:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("DAIFUKU_SECRET_KEY must be set when DAIFUKU_ENV=production")
    # Development: one random key per data directory, so sessions survive restarts.
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    key_file = DATA_DIR / ".secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("DEBUG")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "daifuku.core",
    "daifuku.accounts",
    "daifuku.customers",
    "daifuku.activities",
    "daifuku.commerce",
    "daifuku.behaviour",
    "daifuku.analytics",
    "daifuku.sales",
    "daifuku.marketing",
    "daifuku.imports",
    "daifuku.dashboards",
    "daifuku.web",
    "daifuku.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Oversized bodies and NULs in the address are refused first; API errors are JSON.
    "daifuku.core.middleware.RequestGuardMiddleware",
    # Mail's open pixel and click redirect are answered here, without the browser layers
    # below (marketing.tracking.middleware: ≥ 1,000 clicks a second).
    "daifuku.marketing.tracking.middleware.TrackingMiddleware",
    # Sessions, the session user and flash messages are for browsers: a token API call
    # skips them (core.middleware; subclasses of Django's own).
    "daifuku.core.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "daifuku.core.middleware.AuthenticationMiddleware",
    "daifuku.core.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "daifuku.core.middleware.AuditContextMiddleware",
    # AxesMiddleware last: it turns a locked-out login into a clear page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "daifuku.urls"
WSGI_APPLICATION = "daifuku.wsgi.application"
ASGI_APPLICATION = "daifuku.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "daifuku.web.context_processors.navigation",
            ],
        },
    }
]
# Django's widget templates written in Python, byte for byte: a dozen widgets cost the
# 360° page more CPU than its queries (core/form_renderer.py)
FORM_RENDERER = "daifuku.core.form_renderer.WidgetRenderer"

# --- database -------------------------------------------------------------------------
SQLITE_PATH = DATA_DIR / "daifuku.sqlite3"
SQLITE_OPTIONS = {
    # IMMEDIATE: a writer takes the lock at BEGIN, so two writers queue instead of failing
    # with "database is locked" half-way through a transaction.
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": (
        "PRAGMA journal_mode=WAL;"
        "PRAGMA synchronous=NORMAL;"
        "PRAGMA foreign_keys=ON;"
        "PRAGMA busy_timeout=20000;"
        "PRAGMA cache_size=-65536;"
        "PRAGMA temp_store=MEMORY;"
        "PRAGMA mmap_size=1073741824;"
    ),
}
DATABASE_URL = env("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        # an SQLite file named by URL gets the same settings as the default file: without
        # IMMEDIATE and WAL, concurrent writers fail with "database is locked"
        DATABASES["default"]["OPTIONS"] = {
            **SQLITE_OPTIONS,
            **DATABASES["default"].get("OPTIONS", {}),
        }
        DATABASES["default"].update(CONN_MAX_AGE=600, CONN_HEALTH_CHECKS=True)
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": SQLITE_PATH,
            "OPTIONS": SQLITE_OPTIONS,
            # Keep each worker thread's connection: opening one runs the PRAGMAs above and
            # reads the schema again, several milliseconds on every request otherwise.
            "CONN_MAX_AGE": 600,
            "CONN_HEALTH_CHECKS": True,
            "TEST": {"NAME": env("TEST_SQLITE_NAME") or None},
        }
    }
# PostgreSQL: the search prepares its hottest statement once per connection (core.prepared);
# a pooler that hands out a different server session per transaction (pgbouncer in
# transaction mode) cannot keep it, so such installs set DAIFUKU_PREPARED_STATEMENTS=0
DAIFUKU_PREPARED_STATEMENTS = env_bool("PREPARED_STATEMENTS", True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- accounts -------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "daifuku.accounts.backends.UserBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Login throttling: five failures for one username from one address lock it for 15 minutes.
AXES_FAILURE_LIMIT = int(env("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(env("LOGIN_COOLOFF_HOURS", "0.25"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_ENABLED = env_bool("LOGIN_THROTTLE", True)
# Behind the TLS proxy the throttle counts per client, not per proxy (core.client_ip): the
# client's address comes from X-Forwarded-For, believed only from these proxies.
DAIFUKU_BEHIND_PROXY = env_bool("BEHIND_PROXY", True)
DAIFUKU_TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", "127.0.0.1,::1")
try:
    import ipaddress

    [ipaddress.ip_network(proxy, strict=False) for proxy in DAIFUKU_TRUSTED_PROXIES]
except ValueError as _error:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(f"DAIFUKU_TRUSTED_PROXIES: {_error}") from None
AXES_CLIENT_IP_CALLABLE = "daifuku.core.client_ip.client_address"

SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_AGE = 60 * 60 * 12
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "daifuku",
    }
}

# --- security -------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(env("HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("HSTS_PRELOAD", True)
    if DAIFUKU_BEHIND_PROXY:
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- i18n -----------------------------------------------------------------------------
LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", _("Japanese")), ("en", _("English"))]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS: list[Path] = []

# --- static and media -----------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(DATA_DIR / "media")))
MEDIA_URL = "/media/"  # never served directly: attachments go through a permission check
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION  # demo and tests serve straight from the packages
if not PRODUCTION:
    # WhiteNoise warns at every start when STATIC_ROOT is missing; only collectstatic fills
    # it, which the demo and the tests do not need
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)

# --- mail -----------------------------------------------------------------------------
EMAIL_HOST = env("EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = int(env("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("EMAIL_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_TLS")
# Every mail the CRM sends goes through the suppression list (marketing.mail_backend): an
# address that bounced, complained or refused all mail gets no 1:1 mail either; the backend
# that really sends is DAIFUKU_EMAIL_BACKEND (SMTP unless told otherwise).
EMAIL_BACKEND = "daifuku.marketing.mail_backend.SuppressingEmailBackend"
EMAIL_INNER_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "daifuku@localhost")
# marketing's delivery engine (docs/mail-delivery.md): deliveries claimed per batch, results
# written every N messages, the first retry's delay in seconds (doubling each time),
# attempts before a mail that keeps getting 4xx fails, workers sharing one campaign
DAIFUKU_MAIL_BATCH = int(env("MAIL_BATCH", "100"))
DAIFUKU_MAIL_FLUSH = int(env("MAIL_FLUSH", "50"))
DAIFUKU_MAIL_RETRY_SECONDS = float(env("MAIL_RETRY_SECONDS", "60"))
DAIFUKU_MAIL_MAX_ATTEMPTS = int(env("MAIL_MAX_ATTEMPTS", "8"))
DAIFUKU_MAIL_PARALLEL = int(env("MAIL_PARALLEL", "2"))
# people read per chunk of a large audience's delivery rows (the first chunk written when
# the send starts, the rest while the first mails leave): docs/mail-delivery.md
DAIFUKU_MAIL_AUDIENCE_CHUNK = int(env("MAIL_AUDIENCE_CHUNK", "20000"))

# --- mail deliverability: bounces, complaints, DNS checks (docs/mail-deliverability.md) --
# the bounce mailbox; campaign mail goes out with MAIL FROM <local>+b-<token>@<domain>
DAIFUKU_BOUNCE_ADDRESS = env("BOUNCE_ADDRESS")
# the IMAP mailbox the job marketing.poll_bounce_mailbox reads (off when the host is empty)
DAIFUKU_BOUNCE_IMAP_HOST = env("BOUNCE_IMAP_HOST")
DAIFUKU_BOUNCE_IMAP_PORT = int(env("BOUNCE_IMAP_PORT", "993"))
DAIFUKU_BOUNCE_IMAP_SSL = env_bool("BOUNCE_IMAP_SSL", True)
DAIFUKU_BOUNCE_IMAP_USER = env("BOUNCE_IMAP_USER")
DAIFUKU_BOUNCE_IMAP_PASSWORD = env("BOUNCE_IMAP_PASSWORD")
DAIFUKU_BOUNCE_IMAP_FOLDER = env("BOUNCE_IMAP_FOLDER", "INBOX")
DAIFUKU_BOUNCE_IMAP_PROCESSED_FOLDER = env("BOUNCE_IMAP_PROCESSED_FOLDER")
# STARTTLS on `daifuku bounces --listen` (off when the certificate is empty): PEM chain and
# key (empty when the key is in the certificate file); REQUIRE_TLS refuses mail until
# STARTTLS (only for a receiver your own MTA relays to: an MX must not require it)
DAIFUKU_BOUNCE_SMTP_TLS_CERT = env("BOUNCE_SMTP_TLS_CERT")
DAIFUKU_BOUNCE_SMTP_TLS_KEY = env("BOUNCE_SMTP_TLS_KEY")
DAIFUKU_BOUNCE_SMTP_REQUIRE_TLS = env_bool("BOUNCE_SMTP_REQUIRE_TLS", False)
# DNS for the SPF/DKIM/DMARC checks: host[:port],… (empty: /etc/resolv.conf)
DAIFUKU_DNS_RESOLVER = env("DNS_RESOLVER")
DAIFUKU_DNS_PREFLIGHT = env_bool("DNS_PREFLIGHT", True)

# --- background work ------------------------------------------------------------------
# `daifuku serve` starts the background worker beside the web server unless this is off
# (the worker then runs elsewhere: `daifuku worker`)
DAIFUKU_WORKER = env_bool("WORKER", True)
TASKS = {
    "default": {
        "BACKEND": env("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default", "imports", "mail"],
    }
}

# --- uploads --------------------------------------------------------------------------
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DAIFUKU_ATTACHMENT_MAX_BYTES = int(env("ATTACHMENT_MAX_BYTES", str(20 * 1024 * 1024)))
# what an attachment may cost to open (activities.services.file_checks)
DAIFUKU_ATTACHMENT_MAX_PIXELS = int(env("ATTACHMENT_MAX_PIXELS", str(50_000_000)))
DAIFUKU_ATTACHMENT_MAX_UNZIPPED_BYTES = int(
    env("ATTACHMENT_MAX_UNZIPPED_BYTES", str(100 * 1024 * 1024))
)
# how long an invitation link works (accounts.invitations)
DAIFUKU_INVITATION_DAYS = int(env("INVITATION_DAYS", "7"))
DAIFUKU_IMPORT_MAX_BYTES = int(env("IMPORT_MAX_BYTES", str(512 * 1024 * 1024)))
# The address recipients reach this install at (https://crm.example.co.jp): links in
# outgoing mail (click tracking, open pixel, unsubscribe) are built on it.
DAIFUKU_PUBLIC_URL = env("PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
# opens and clicks waiting in the tracking inbox before a request moves them into mail
# events (marketing.services.tracking); every one under the tests, so results show at once
DAIFUKU_TRACKING_FLUSH_HITS = int(env("TRACKING_FLUSH_HITS", "1" if TESTING else "200"))
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "WARNING")},
}
