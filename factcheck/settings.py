"""Settings for the fact-check annotation service, read from the environment.

One file for every environment. With no environment at all the service runs on a fresh
machine: SQLite in ./var and a real Celery worker on kombu's filesystem broker (no server).
With DATABASE_URL and REDIS_URL (or CELERY_BROKER_URL) set it uses PostgreSQL and Redis.
Every variable is listed in .env.example.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import dj_database_url

from factcheck.env import (
    ConfigError,
    env_bool,
    env_choice,
    env_float,
    env_int,
    env_list,
    env_str,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("FACTCHECK_VAR_DIR") or BASE_DIR / "var")

DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY") or ""
if not SECRET_KEY:
    if not DEBUG:
        raise ConfigError(
            "SECRET_KEY is not set. Set SECRET_KEY to a long random string, "
            "or set DEBUG=1 for local development (which uses a throwaway key)."
        )
    SECRET_KEY = "django-insecure-local-development-only"  # noqa: S105 - DEBUG only

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "annotations",
    "claims",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "annotations.web.errors.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "factcheck.urls"
WSGI_APPLICATION = "factcheck.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'db.sqlite3'}"
try:
    # Persistent connections (checked before reuse): a new PostgreSQL connection per request
    # cost more than most requests. 0 closes them after every request.
    _db = dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60, minimum=0),
        conn_health_checks=env_bool("DB_CONN_HEALTH_CHECKS", True),
    )
except Exception as exc:  # dj_database_url raises several types for bad URLs
    raise ConfigError(f"DATABASE_URL={DATABASE_URL!r} is not a database URL: {exc}") from None
if _db["ENGINE"] not in ("django.db.backends.sqlite3", "django.db.backends.postgresql"):
    raise ConfigError(f"DATABASE_URL must be sqlite:// or postgres://, not {_db['ENGINE']}.")
if _db["ENGINE"] == "django.db.backends.sqlite3":
    # The web server and the worker write to the same file: WAL lets readers go on while one
    # writes, IMMEDIATE takes the write lock at BEGIN so two writers queue instead of failing
    # with "database is locked" halfway through a transaction.
    _db["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        # Seconds a connection waits for another's write lock before "database is locked"
        # (answered 503): a stuck writer must not hold requests forever.
        "timeout": env_int("DB_BUSY_TIMEOUT", 20, minimum=1),
    }
    # Tests use a file, not :memory:, so that a real worker process can share the test database.
    _db["TEST"] = {"NAME": env_str("TEST_SQLITE_PATH") or str(VAR_DIR / "test-db.sqlite3")}
    Path(_db["NAME"]).parent.mkdir(parents=True, exist_ok=True)
else:
    # A stalled or unreachable server must not hang requests (or workers) forever: give up
    # connecting after DB_CONNECT_TIMEOUT seconds and cancel any statement running longer than
    # DB_STATEMENT_TIMEOUT_MS (0 turns it off); both end in a 503 with Retry-After.
    _statement_timeout_ms = env_int("DB_STATEMENT_TIMEOUT_MS", 15000, minimum=0)
    _db["OPTIONS"] = {
        **_db.get("OPTIONS", {}),
        "connect_timeout": env_int("DB_CONNECT_TIMEOUT", 5, minimum=1),
        "options": f"-c statement_timeout={_statement_timeout_ms}",
    }
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth -----------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "queue"
LOGOUT_REDIRECT_URL = "login"

# --- I18N / static --------------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT") or BASE_DIR / "staticfiles")
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns on every start otherwise
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Tests and runserver work without collectstatic; production runs collectstatic in its image.
WHITENOISE_USE_FINDERS = env_bool("WHITENOISE_USE_FINDERS", DEBUG)

# --- Security (manage.py check --deploy is clean when DEBUG is off) -------------------------
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Uploads: Django refuses bodies larger than this before reading them whole.
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 20 * 1024 * 1024, minimum=1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 2 * 1024 * 1024, minimum=1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# --- Celery ---------------------------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL") or ""
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL") or REDIS_URL or "filesystem://localhost/"
if not CELERY_BROKER_URL.startswith(("redis://", "rediss://", "filesystem://", "amqp://")):
    raise ConfigError(
        f"CELERY_BROKER_URL={CELERY_BROKER_URL!r}: use redis://, amqp:// or filesystem://."
    )
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {}
if CELERY_BROKER_URL.startswith("filesystem://"):
    BROKER_DIR = Path(env_str("CELERY_BROKER_DIR") or VAR_DIR / "broker")
    (BROKER_DIR / "queue").mkdir(parents=True, exist_ok=True)
    (BROKER_DIR / "processed").mkdir(parents=True, exist_ok=True)
    # kombu's own filesystem channel lets a worker read a message file before the producer
    # has written it (JSONDecodeError, worker down): this one writes then renames.
    CELERY_BROKER_TRANSPORT = "factcheck.broker:FilesystemTransport"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # One folder for in and out: producer and worker are separate processes on one disk.
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
        "polling_interval": 0.1,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_QUEUE") or "factcheck"
CELERY_TASK_IGNORE_RESULT = True  # progress and results live in database rows
CELERY_TASK_ACKS_LATE = True  # every task is idempotent; a killed worker's task is redelivered
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    # The database is the source of truth: jobs whose message was lost are sent again.
    "requeue-stale-jobs": {"task": "annotations.tasks.requeue_stale_jobs", "schedule": 10.0},
    # Each feed has its own interval; this only looks for feeds that are due.
    "poll-due-feeds": {"task": "annotations.tasks.poll_due_feeds", "schedule": 60.0},
}
# Corpus agreement: recompute stale article reports and store a corpus report (skipped when
# nothing changed since the last one).
AGREEMENT_CORPUS_EVERY_SECONDS = env_int("AGREEMENT_CORPUS_EVERY_SECONDS", 900, minimum=10)
# Worker processes that compute a large recompute's article reports in parallel (1: serial).
AGREEMENT_WORKERS = env_int("AGREEMENT_WORKERS", 2, minimum=1)
CELERY_BEAT_SCHEDULE["corpus-agreement"] = {
    "task": "annotations.tasks.compute_corpus_agreement",
    "schedule": float(AGREEMENT_CORPUS_EVERY_SECONDS),
    "kwargs": {"force": False},
}

# --- Operations: pace of the periodic tasks -------------------------------------------------
# Multiplies every beat interval above; the soak test runs the stack with e.g. 0.02.
BEAT_INTERVAL_SCALE = env_float("BEAT_INTERVAL_SCALE", 1.0, minimum=0.001)
for _entry in CELERY_BEAT_SCHEDULE.values():
    _entry["schedule"] = float(_entry["schedule"]) * BEAT_INTERVAL_SCALE  # type: ignore[arg-type]

# --- The product's own settings -------------------------------------------------------------
# Blind review: a reviewer sees nobody else's annotations on an article until they submit it.
FACTCHECK_BLIND_REVIEW = env_bool("FACTCHECK_BLIND_REVIEW", True)
# "open": reviewers may pick any article; "assigned": only articles assigned to them.
FACTCHECK_ASSIGNMENT_MODE = env_choice("FACTCHECK_ASSIGNMENT_MODE", "open", ("open", "assigned"))
FACTCHECK_DEFAULT_SCALE = env_str("FACTCHECK_DEFAULT_SCALE", "truth-o-meter")
FACTCHECK_ORGANIZATION = env_str("FACTCHECK_ORGANIZATION", "Fact-check desk")
# Scheme and host of public links (ClaimReview and Web Annotation ids); empty: the address
# each request came to.
FACTCHECK_PUBLIC_URL = (env_str("FACTCHECK_PUBLIC_URL") or "").rstrip("/")
_PUBLIC_URL_RE = r"https?://[^/?#\s]+(/[^?#\s]*)?"
if FACTCHECK_PUBLIC_URL and not re.fullmatch(_PUBLIC_URL_RE, FACTCHECK_PUBLIC_URL):
    raise ConfigError(f"FACTCHECK_PUBLIC_URL={FACTCHECK_PUBLIC_URL!r} must be an http(s) URL.")
# URL import: refuse private, loopback and link-local addresses (SSRF) unless allowed.
IMPORT_ALLOW_PRIVATE_URLS = env_bool("IMPORT_ALLOW_PRIVATE_URLS", False)
IMPORT_URL_TIMEOUT = env_float("IMPORT_URL_TIMEOUT", 15.0, minimum=0.1)
IMPORT_URL_MAX_BYTES = env_int("IMPORT_URL_MAX_BYTES", 5 * 1024 * 1024, minimum=1024)
IMPORT_URL_MAX_REDIRECTS = env_int("IMPORT_URL_MAX_REDIRECTS", 5, minimum=0)
IMPORT_MIN_CHARS = env_int("IMPORT_MIN_CHARS", 200, minimum=1)
# A job "running" with no heartbeat for this long is presumed dead and re-queued.
IMPORT_STALE_AFTER_SECONDS = env_int("IMPORT_STALE_AFTER_SECONDS", 120, minimum=5)
# A running item whose worker stopped refreshing its claim for this long is shown as
# "waiting to be retried" and requeued by the next requeue-stale-jobs run.
IMPORT_CLAIM_STALE_SECONDS = env_int("IMPORT_CLAIM_STALE_SECONDS", 30, minimum=5)
# The import page says "no worker is running" when a job stays queued this long.
IMPORT_NO_WORKER_WARNING_SECONDS = env_int("IMPORT_NO_WORKER_WARNING_SECONDS", 5, minimum=1)
# A big zip/JSONL job is shared by up to this many tasks (items are claimed one at a time).
IMPORT_PARALLEL_TASKS = env_int("IMPORT_PARALLEL_TASKS", 4, minimum=1)
# Zip uploads: refuse archives with too many files, too much unpacked data, or members that
# expand more than this ratio (zip bombs).
IMPORT_ZIP_MAX_MEMBERS = env_int("IMPORT_ZIP_MAX_MEMBERS", 10000, minimum=1)
IMPORT_ZIP_MAX_TOTAL_BYTES = env_int("IMPORT_ZIP_MAX_TOTAL_BYTES", 200 * 1024 * 1024, minimum=1024)
IMPORT_ZIP_MAX_RATIO = env_int("IMPORT_ZIP_MAX_RATIO", 100, minimum=2)
NEAR_DUPLICATE_THRESHOLD = env_float("NEAR_DUPLICATE_THRESHOLD", 0.8, minimum=0.0)

# --- Claims across articles (claims/) ------------------------------------------------------
# Fused match score (0..1) at which a span is shown as a possible match / linked without asking.
CLAIMS_SUGGEST_THRESHOLD = env_float("CLAIMS_SUGGEST_THRESHOLD", 0.30, minimum=0.0)
CLAIMS_AUTO_LINK_THRESHOLD = env_float("CLAIMS_AUTO_LINK_THRESHOLD", 0.40, minimum=0.0)
# Only articles published (or imported) within this many days of each other are matched.
CLAIMS_MATCH_WINDOW_DAYS = env_int("CLAIMS_MATCH_WINDOW_DAYS", 60, minimum=1)
# After a batch import, its articles are suggested and matched in slices of about this many
# seconds, each a task of its own, so other work interleaves with a 10,000-article import.
CLAIMS_IMPORT_SLICE_SECONDS = env_float("CLAIMS_IMPORT_SLICE_SECONDS", 5.0, minimum=0.0)
# Off: batch imports (JSONL/JSON) get no suggestions and no claim matching (an archive load
# that should not keep the worker busy for hours; the throughput benchmarks measure without).
CLAIMS_AFTER_BATCH_IMPORT = env_bool("CLAIMS_AFTER_BATCH_IMPORT", True)
# Sentence embeddings (int8 ONNX MiniLM) in claim matching: "auto" fuses them with the
# lexical score; "off" (default, and the tests) is lexical only. With "auto", raise the
# thresholds (docs/claims.md: 0.45 / 0.60 measured on the seeds).
_claims_embeddings = (env_str("CLAIMS_EMBEDDINGS") or "off").strip().lower()
if _claims_embeddings in ("1", "on", "true", "yes", "auto"):
    CLAIMS_EMBEDDINGS = "auto"
elif _claims_embeddings in ("0", "off", "false", "no"):
    CLAIMS_EMBEDDINGS = "off"
else:
    raise ConfigError(f"CLAIMS_EMBEDDINGS={_claims_embeddings!r}: use auto (1) or off (0).")
# Suggested spans: "full" = TF-IDF + MiniLM embeddings (F1 0.873 on ClaimBuster), "lexical" =
# the model-free TF-IDF model (0.850); full falls back to lexical without the packages.
CLAIMS_CHECKWORTHY_MODEL = (env_str("CLAIMS_CHECKWORTHY_MODEL") or "full").strip().lower()
if CLAIMS_CHECKWORTHY_MODEL not in ("full", "lexical"):
    raise ConfigError(
        f"CLAIMS_CHECKWORTHY_MODEL={CLAIMS_CHECKWORTHY_MODEL!r}: use full or lexical."
    )
# Check-worthiness score (0..1) a sentence needs to be suggested.
CLAIMS_CHECKWORTHY_THRESHOLD = env_float("CLAIMS_CHECKWORTHY_THRESHOLD", 0.8, minimum=0.0)
# Where the desk's retrained check-worthiness model is saved.
CLAIMS_MODEL_DIR = Path(env_str("CLAIMS_MODEL_DIR") or VAR_DIR / "claims-model")
CLAIMS_RETRAIN_EVERY_SECONDS = env_int("CLAIMS_RETRAIN_EVERY_SECONDS", 86400, minimum=60)
# Saved spans are placed in claim groups by one task per this many seconds (per web process),
# not one per span; the sweep below catches any whose task was never enqueued.
CLAIMS_MATCH_DELAY_SECONDS = env_float("CLAIMS_MATCH_DELAY_SECONDS", 2.0, minimum=0.0)
CELERY_BEAT_SCHEDULE["claims-match-pending"] = {
    "task": "claims.tasks.match_pending_spans",
    "schedule": 60.0,
}
CELERY_BEAT_SCHEDULE["claims-retrain-checkworthiness"] = {
    "task": "claims.tasks.retrain_checkworthiness",
    "schedule": float(CLAIMS_RETRAIN_EVERY_SECONDS),
}

# --- REST API -------------------------------------------------------------------------------
REST_FRAMEWORK = {
    # Token first: its WWW-Authenticate header makes an anonymous request a 401, not a 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "annotations.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "annotations.api.authentication.TokenScopeAllows",
        "annotations.api.authentication.HasRole",
    ],
    "DEFAULT_PAGINATION_CLASS": "annotations.api.pagination.KeysetPagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["annotations.api.filters.FilterBackend"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PARSER_CLASSES": ["annotations.api.parsers.BoundedJSONParser"],
    "EXCEPTION_HANDLER": "annotations.api.errors.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Fact-check annotation API",
    "DESCRIPTION": "",  # set from annotations/api/schema.py (the client's guide)
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "TokenScopeEnum": "annotations.models.tokens.TokenScope.choices",
        "AnnotationKindEnum": "annotations.models.review.AnnotationKind.choices",
        "ArticleStatusEnum": "annotations.models.articles.ArticleStatus.choices",
        "JobKindEnum": "annotations.models.imports.JobKind.choices",
        "JobStatusEnum": "annotations.models.imports.JobStatus.choices",
        "ReportScopeEnum": "annotations.models.agreement.ReportScope.choices",
        "ClaimLinkStatusEnum": "claims.models.LinkStatus.choices",
        "ClaimConflictStatusEnum": "claims.models.ConflictStatus.choices",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "annotations.api.schema.add_guide",
        "annotations.api.schema.add_problem_responses",
    ],
}

# --- Security hardening: Content-Security-Policy and login/token throttling ---------------
# One block on purpose (docs/security.md explains every setting).
INSTALLED_APPS += ["csp", "axes"]
MIDDLEWARE += [
    "annotations.web.csp.CSPMiddleware",  # django-csp, see the module
    "axes.middleware.AxesMiddleware",  # must stay last
]
# Strict: no inline script or style anywhere; the API docs pages add what their bundles need
# for styles and workers in annotations/api/docs.py (scripts stay 'self' there too).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "worker-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        **({"report-uri": [env_str("CSP_REPORT_URI")]} if env_str("CSP_REPORT_URI") else {}),
    }
}
# Sign-in lockout (site and admin) by django-axes, counted in the database: after
# LOGIN_FAILURE_LIMIT failures for one account (from anywhere) or from one address (for any
# accounts), sign-in is refused with 429 for LOGIN_LOCKOUT_MINUTES.
AUTHENTICATION_BACKENDS = [
    "annotations.web.throttling.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 10, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# Not reset by a success: an attacker signing in to their own account from the guessing
# address would otherwise wipe that address's count (and the counts of the accounts it tried).
AXES_RESET_ON_SUCCESS = False
AXES_VERBOSE = False  # no banner on every start; lockouts are logged by lockout_response
AXES_LOCKOUT_CALLABLE = "annotations.web.throttling.lockout_response"
AXES_CLIENT_IP_CALLABLE = "annotations.services.throttling.client_address"
# Proxies in front of the app that append to X-Forwarded-For (0: use the peer address).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, minimum=0)
# API token guessing: this many failed token authentications from one address within the
# window, and token requests from that address get 429 until the window ends.
API_TOKEN_FAILURE_LIMIT = env_int("API_TOKEN_FAILURE_LIMIT", 20, minimum=1)
API_TOKEN_FAILURE_WINDOW_SECONDS = env_int("API_TOKEN_FAILURE_WINDOW_SECONDS", 900, minimum=1)
# The counters' cache is shared by every web process: Redis when REDIS_URL is set, else files.
CACHES = globals().get("CACHES") or {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}
CACHES["throttle"] = (
    {"BACKEND": "factcheck.cache.ReusingRedisCache", "LOCATION": REDIS_URL,
     "KEY_PREFIX": "factcheck-throttle"}
    if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
          "LOCATION": str(VAR_DIR / "cache" / "throttle")}
)  # fmt: skip
# Swagger UI's "online validator" badge would load an image from a third-party site.
SPECTACULAR_SETTINGS["SWAGGER_UI_SETTINGS"] = {"validatorUrl": None}

# --- Logging --------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
