"""Waymark's one settings module, configured from the environment.

With nothing set you get a development set-up: DEBUG on, SQLite in ./db.sqlite3, e-mail
printed to the console, fixed development keys. In production set DEBUG=0 and the secrets
(SECRET_KEY, FIELD_ENCRYPTION_KEYS, BLIND_INDEX_KEY); a missing one stops start-up with a
message naming it. docs/operations.md lists every variable.
"""

import os
import tempfile
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.conf.locale import LANG_INFO
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from waymark.lib.env import env_bool, env_int, env_list, env_secret, env_str
from waymark.lib.mail import mailer_from_url

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", True)
# WAYMARK_DEMO=1 allows `seed_demo` and exempts the demo users from MFA. Never in production.
WAYMARK_DEMO = env_bool("WAYMARK_DEMO", False)

# Development keys are public (they are in this file); production must set its own.
_DEV = DEBUG
SECRET_KEY = env_secret("SECRET_KEY", dev_default="dev-only-insecure-secret-key-" + "x" * 40 if _DEV else None)
# Comma-separated Fernet keys: the first encrypts, all decrypt (see docs/operations.md, key rotation).
FIELD_ENCRYPTION_KEYS = env_secret(
    "FIELD_ENCRYPTION_KEYS",
    dev_default="ZGV2LW9ubHktaW5zZWN1cmUtZmllbGQta2V5LTAwMDA=" if _DEV else None,
).split(",")
# Key for the HMAC "blind index" columns that allow exact lookup of encrypted values.
BLIND_INDEX_KEY = env_secret("BLIND_INDEX_KEY", dev_default="dev-only-insecure-blind-index-key" if _DEV else None)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
SITE_NAME = "Waymark"

INSTALLED_APPS = [
    "waymark.accounts",
    "waymark.audit",
    "waymark.notify",
    "waymark.places",
    "waymark.directory",
    "waymark.people",
    "waymark.hubs",
    "waymark.casework",
    "waymark.referrals",
    "waymark.ops",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_tasks_db",
    "ninja",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "waymark.lib.middleware.LanguageFromQueryMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "waymark.accounts.middleware.ActingOrganisationMiddleware",
    "waymark.accounts.middleware.RequireMfaMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "waymark.urls"
FORM_RENDERER = "waymark.lib.forms.FormRenderer"
WSGI_APPLICATION = "waymark.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "waymark.accounts.context_processors.acting_organisation",
                "waymark.lib.middleware.language_switcher",
            ],
        },
    },
]

# Databases. SQLite by default so `make run` needs no server: WAL lets readers and a writer
# work at once, the busy timeout waits for a lock instead of failing, and IMMEDIATE
# transactions take the write lock up front so two writers never deadlock half-way.
DATABASES = {"default": dj_database_url.parse(env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
    # Tests use a database file, not Django's default in-memory one: the concurrency tests need
    # threads with connections of their own, in WAL mode with the busy timeout, as in
    # production. Measured on 2 cores, `make test` takes about a tenth longer than in memory
    # (31 s against 28 s), so every test uses the file rather than only the concurrency ones.
    # The process id keeps two test runs on one machine apart; pytest-xdist adds "_gw0"… too.
    DATABASES["default"]["TEST"] = {"NAME": str(Path(tempfile.gettempdir()) / f"waymark-test-{os.getpid()}.sqlite3")}
# Keep connections open between requests (opening one costs more than many small queries).
DATABASES["default"]["CONN_MAX_AGE"] = env_int("DB_CONN_MAX_AGE", 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Shared between processes (login rate limits must hold across gunicorn workers), so it
# lives in the database: `manage.py createcachetable` creates it (make run and CI do).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "waymark_cache",
    }
}

# Background tasks: django.tasks with the database backend; `manage.py db_worker` runs them.
TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# Accounts
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["allauth.account.auth_backends.AuthenticationBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_ADAPTER = "waymark.accounts.adapters.AccountAdapter"
ACCOUNT_FORMS = {
    "change_password": "waymark.accounts.forms.ChangePasswordForm",
    "login": "waymark.accounts.forms.LoginForm",
    "reauthenticate": "waymark.accounts.forms.ReauthenticateForm",
    "reset_password": "waymark.accounts.forms.ResetPasswordForm",
    "reset_password_from_key": "waymark.accounts.forms.ResetPasswordKeyForm",
}
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
# allauth's own limits (failed logins per IP and per account, reset e-mails) stay on; these
# are its defaults, written out so that they are visible and can be tuned.
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "login": "30/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
}
# How many proxies in front of Waymark set X-Forwarded-For. Login rate limits count per
# client address; with 0 (the default) every visitor behind a proxy shares the proxy's address.
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Waymark"
# Refuses to switch off the last authenticator of a user whose roles need MFA.
MFA_ADAPTER = "waymark.accounts.adapters.MFAAdapter"
MFA_FORMS = {
    "authenticate": "waymark.accounts.forms.MfaAuthenticateForm",
    "reauthenticate": "waymark.accounts.forms.MfaReauthenticateForm",
    "activate_totp": "waymark.accounts.forms.ActivateTotpForm",
}

# Staff sessions end after this many minutes without a request.
SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", 30)
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Languages: the ten the network's people speak most. Django lacks Pashto, Tigrinya and
# Amharic, so we add them; `bidi` drives <html dir>.
LANG_INFO.update(
    {
        "ps": {"bidi": True, "code": "ps", "name": "Pashto", "name_local": "پښتو"},
        "ti": {"bidi": False, "code": "ti", "name": "Tigrinya", "name_local": "ትግርኛ"},
        "am": {"bidi": False, "code": "am", "name": "Amharic", "name_local": "አማርኛ"},
    }
)
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("ar", _("Arabic")),
    ("fa", _("Persian")),
    ("ps", _("Pashto")),
    ("ckb", _("Kurdish (Sorani)")),
    ("ti", _("Tigrinya")),
    ("am", _("Amharic")),
    ("ur", _("Urdu")),
    ("fr", _("French")),
    ("uk", _("Ukrainian")),
]
LANGUAGES_BIDI = ["ar", "fa", "ps", "ckb", "ur"]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# Static files, served by WhiteNoise with hashed, compressed names.
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# E-mail: EMAIL_URL like smtp://user:password@host:587?tls=1, or console:// (the default in
# development).
EMAIL_URL = env_secret("EMAIL_URL", dev_default="console://" if DEBUG else None)
MAILERS = {"default": mailer_from_url(EMAIL_URL)}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Waymark <waymark@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Notifications (waymark/notify): the channels switched on, and how often a message is tried
# before it fails. E-mail is always on. Text messages (NOTIFY_SMS): "off", "console" (printed,
# for development) or "govuk" (GOV.UK Notify: an API key, and the id of a template on Notify's
# side whose whole content is ((body)), since Notify only sends from its own templates).
NOTIFY_CHANNELS = ["waymark.notify.channels.EmailChannel"]
NOTIFY_MAX_ATTEMPTS = env_int("NOTIFY_MAX_ATTEMPTS", 5)
NOTIFY_SMS = env_str("NOTIFY_SMS", "console" if DEBUG else "off").strip().lower()
_SMS_CHANNELS = {
    "off": None,
    "console": "waymark.notify.channels.ConsoleSmsChannel",
    "govuk": "waymark.notify.channels.NotifySmsChannel",
}
if NOTIFY_SMS not in _SMS_CHANNELS:
    raise ImproperlyConfigured(f"NOTIFY_SMS must be off, console or govuk, not {NOTIFY_SMS!r}.")
GOVUK_NOTIFY_API_KEY = env_secret("GOVUK_NOTIFY_API_KEY", required=NOTIFY_SMS == "govuk")
GOVUK_NOTIFY_SMS_TEMPLATE_ID = env_str("GOVUK_NOTIFY_SMS_TEMPLATE_ID").strip()
if NOTIFY_SMS == "govuk" and not GOVUK_NOTIFY_SMS_TEMPLATE_ID:
    raise ImproperlyConfigured(
        "GOVUK_NOTIFY_SMS_TEMPLATE_ID is not set: with NOTIFY_SMS=govuk it names the GOV.UK Notify "
        "template that holds ((body)); see docs/operations.md."
    )
if _SMS_CHANNELS[NOTIFY_SMS]:
    NOTIFY_CHANNELS.append(_SMS_CHANNELS[NOTIFY_SMS])

# Content Security Policy (Django's own): nothing inline without a nonce, no eval.
# The TOTP set-up page shows its QR code as a data: image, hence img-src data:.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}

# Security. Production runs behind a proxy that sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # The load balancer's health check talks plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    # Preloading binds the whole registrable domain (often a charity's main site) and is slow
    # to undo, so it is the domain owner's choice; check --deploy need not nag about it.
    if not SECURE_HSTS_PRELOAD:
        SILENCED_SYSTEM_CHECKS = ["security.W021"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# The service map's checks (issue 3): after VERIFY the owner is asked "still correct?" and asked
# again every REMINDER days; after STALE the listing says "not checked recently"; after HIDE it
# leaves the public map until someone confirms it.
DIRECTORY_VERIFY_AFTER_DAYS = env_int("DIRECTORY_VERIFY_AFTER_DAYS", 90)
DIRECTORY_REMINDER_EVERY_DAYS = env_int("DIRECTORY_REMINDER_EVERY_DAYS", 14)
DIRECTORY_STALE_AFTER_DAYS = env_int("DIRECTORY_STALE_AFTER_DAYS", 180)
DIRECTORY_HIDE_AFTER_DAYS = env_int("DIRECTORY_HIDE_AFTER_DAYS", 365)
# Where the open-data download (the map as an HSDS tabular package) is built and kept; the
# system's temporary folder when empty.
DIRECTORY_EXPORT_DIR = env_str("DIRECTORY_EXPORT_DIR", "")
# Processes that build the published records before a full ndjson export (one per core).
DIRECTORY_EXPORT_WORKERS = env_int("DIRECTORY_EXPORT_WORKERS", min(os.cpu_count() or 1, 4))

# Periodic jobs: name → how often. Each is a management command; `manage.py run_schedule`
# runs the due ones (see waymark/ops/schedule.py). Apps add theirs here.
PERIODIC_JOBS = {
    "send_pending_notifications": timedelta(minutes=5),
    "clearsessions": timedelta(days=1),
    "prune_db_task_results": timedelta(days=1),
    "prune_job_runs": timedelta(days=1),
    "send_verification_reminders": timedelta(days=1),
    "pull_directory_feeds": timedelta(days=1),
    "generate_hub_sessions": timedelta(days=1),
    # An untriaged safeguarding concern passes to the next lead after its rule's time.
    "escalate_safeguarding_concerns": timedelta(minutes=5),
    "check_open_concerns": timedelta(days=1),
    "apply_retention": timedelta(days=1),
    # Unanswered referrals past their deadline go back to the sender; reminders before it.
    "expire_referrals": timedelta(minutes=15),
}

# Case attachments (letters, decision notices) are stored encrypted in the database. To keep
# them in object storage instead (still encrypted), add a STORAGES entry for it and name it here.
CASEWORK_ATTACHMENT_STORAGE = os.environ.get("CASEWORK_ATTACHMENT_STORAGE", "database")
CASEWORK_ATTACHMENT_MAX_BYTES = env_int("CASEWORK_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)

# How far ahead the daily job fills each hub's calendar from its session patterns.
HUB_SESSIONS_AHEAD_WEEKS = env_int("HUB_SESSIONS_AHEAD_WEEKS", 8)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
