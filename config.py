"""Configuration classes; values are read from the environment when a class is chosen."""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent


class Config:
    """Settings shared by every environment; subclasses override what differs."""

    SQLALCHEMY_DATABASE_URI = None  # set in create_app from DATABASE_URL or the instance folder
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    SECRET_KEY = None
    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    # Sessions end after this long without a request, and in any case this long after login
    # (the signed cookie's PERMANENT_SESSION_LIFETIME follows SESSION_MAX_HOURS).
    SESSION_IDLE_MINUTES = 30
    SESSION_MAX_HOURS = 10
    # At most this many failed login guesses per e-mail address within the window.
    LOGIN_MAX_ATTEMPTS = 10
    LOGIN_WINDOW_MINUTES = 15
    # The second factor (see README, "Anmeldesicherheit"): the roles that must have one
    # (environment: comma-separated, e.g. "reviewer,admin,mentor"); how long a passed second
    # factor counts before signing a notice, releasing a payment or deciding a reclaim
    # (step-up); how long the second step of a login may take after the password.
    SECOND_FACTOR_ROLES: tuple[str, ...] = ("reviewer", "admin")
    SECOND_FACTOR_STEP_UP_MINUTES = 15
    SECOND_FACTOR_PENDING_MINUTES = 5
    # The key the authenticator apps' secrets are encrypted with; unset: derived from
    # SECRET_KEY (then changing SECRET_KEY voids every enrolled app).
    SECOND_FACTOR_KEY = None
    # A creating form may be sent this long after it was shown (its one-time token expires).
    FORM_TOKEN_HOURS = 24
    # The API answers a POST repeated with the same Idempotency-Key this long after the first.
    IDEMPOTENCY_KEY_HOURS = 24
    # An API sync (`sort=updated_at`) leaves out changes younger than this, so that a change
    # whose transaction is still committing is not passed over by a cursor (api/listing.py);
    # longer than any write transaction takes.
    API_SYNC_SETTLE_SECONDS = 5
    # A database server's pooled connection that sat idle this long is tested with a round
    # trip before use; a younger one only by looking at its socket (antrag/db_liveness.py).
    DATABASE_PING_AFTER_SECONDS = 10
    # Public forms (meeting registration, barrier report): at most this many sent per client
    # address and per e-mail address within the window, for each form; more get a 429 page.
    PUBLIC_FORM_WINDOW_MINUTES = 60
    PUBLIC_FORM_MAX_PER_ADDRESS = 10
    PUBLIC_FORM_MAX_PER_EMAIL = 5
    # How many reverse proxies in front of the app append to X-Forwarded-For; their entries
    # give the client address (0: none is trusted, the address is the one gunicorn sees).
    TRUSTED_PROXIES = 0
    # Strict-Transport-Security on every response; only where the site is served over HTTPS.
    HSTS = False
    BABEL_DEFAULT_LOCALE = "de"
    BABEL_DEFAULT_TIMEZONE = "Europe/Berlin"
    WORKFLOWS_DIR = str(BASE_DIR / "workflows")
    UPLOAD_FOLDER = None  # defaults to <instance>/uploads, outside the web root
    UPLOAD_MAX_BYTES = 10 * 1024 * 1024
    # The request may carry a 10 MB file plus the rest of the form; anything larger is a 413.
    MAX_CONTENT_LENGTH = 11 * 1024 * 1024
    QUEUE_PAGE_SIZE = 20
    # The queue counts matching applications exactly up to this many ("mehr als …" beyond).
    QUEUE_COUNT_CAP = 1000
    SEARCH_PAGE_SIZE = 20
    CHANGE_REQUEST_DAYS = 28
    # A task overdue by this many working days (Rhineland-Palatinate) is escalated to the
    # head of unit (the inbox's "Eskaliert" filter, the digest).
    ESCALATION_WORKING_DAYS = 5
    LOAD_DEMO_DATA = False
    # Links in e-mails point here.
    PUBLIC_URL = "http://127.0.0.1:5000"
    # WebAuthn (security keys, passkeys): the relying party id (a domain, never an IP
    # address) and the origin the browser reports; None derives both from PUBLIC_URL. A
    # ceremony's challenge expires after WEBAUTHN_CHALLENGE_SECONDS; user verification
    # (PIN or biometrics on the key) is "required", "preferred" or "discouraged".
    WEBAUTHN_RP_ID = None
    WEBAUTHN_ORIGIN = None
    WEBAUTHN_RP_NAME = "Antrag"
    WEBAUTHN_CHALLENGE_SECONDS = 300
    WEBAUTHN_USER_VERIFICATION = "preferred"
    # Reminders go out this many days before a due date.
    REMINDER_LEAD_DAYS = 3
    # Whether a notice's fictitious day of being made known by post (§ 41 (2) VwVfG) moves
    # off a Saturday, Sunday or public holiday to the next working day. False follows the
    # prevailing view for the VwVfG; see antrag/law/periods.py.
    SERVICE_FICTION_SHIFTS_TO_WORKING_DAY = False
    # Whether an approved early start (vorzeitiger Maßnahmebeginn, VV Nr. 1.3 zu § 44 LHO)
    # lets the funding period begin no earlier than the day of the ministry's consent (True:
    # the consent does not act backwards, the usual practice) or with the earliest project
    # start even before it (False). The VV text does not settle it; see
    # antrag/applications/early_start.py.
    EARLY_START_NOT_BEFORE_CONSENT = True
    # Reclaims (Rückforderung): the default answer period of the hearing (§ 28 VwVfG), the
    # payment deadline after the reclaim notice took effect, and the day-count convention of
    # the interest (§ 49a (3) VwVfG; "act/365" or "act/act", see antrag/law/interest.py).
    RECLAIM_HEARING_WEEKS = 4
    RECLAIM_PAYMENT_MONTHS = 1
    RECLAIM_INTEREST_DAY_COUNT = "act/365"
    # A base-rate file to use instead of the shipped antrag/law/data/base_rates.yaml (e.g. one
    # updated by operations before a release carries the new half-year's rate).
    RECLAIM_BASE_RATES_FILE = None
    # The order in which a (partial) receipt on a reclaim pays the claim's parts: § 367 Abs. 1
    # BGB (costs, interest, principal), applied to the refund claim of § 49a VwVfG; the other
    # choice is "costs,principal,interest" (see antrag/reclaim/receipts.py and the README).
    RECLAIM_RECEIPT_ORDER = "costs,interest,principal"
    # Whether income and third-party funds the city declares in its proof of use also limit a
    # fixed-amount grant (Festbetragsfinanzierung, VV Nr. 2.2.3 zu § 44 LHO): True forbids
    # over-financing (grant ≤ recognised expenditure − declared income and third-party
    # funds); False (default) reduces the fixed amount only when the recognised expenditure
    # falls below it, as the VV and ANBest Nr. 2 word it. See antrag/funding/entitlement.py.
    FIXED_AMOUNT_LIMITED_BY_OTHER_FUNDS = False
    # The electronic seal (PAdES) on every issued notice: PEM files of the seal certificate
    # and its private key, and the key's passphrase if it has one (see README, "The seal").
    # Without them, development and tests make a self-signed seal in the instance folder;
    # production (NOTICE_SEAL_DEVELOPMENT = False) refuses to issue and check-deploy fails.
    NOTICE_SEAL_CERT = None
    NOTICE_SEAL_KEY = None
    NOTICE_SEAL_PASSPHRASE = None
    NOTICE_SEAL_DEVELOPMENT = True
    # The general conditions (ANBest-K) attached to every funding notice: a YAML file with
    # title, version, date, source and sections; None takes antrag/letters/data/anbest_k.yaml.
    ANBEST_K_PATH = None
    # Payment orders (see README, "Payments"): the state treasury's account the pain.001
    # credit transfers are drawn on. Production must set them (check-deploy fails without);
    # development and tests use the fictitious demo account of DevelopmentConfig.
    PAYMENT_DEBTOR_NAME = None
    PAYMENT_DEBTOR_IBAN = None
    PAYMENT_DEBTOR_BIC = None
    # A payment order falls due this many working days (Rhineland-Palatinate) after release.
    PAYMENT_DUE_WORKING_DAYS = 5
    # The operator of the site, shown in the imprint, the privacy notice and the
    # accessibility statement (see README, "Legal pages"); set them for production.
    OPERATOR_NAME = "Ministerium des Innern und für Sport Rheinland-Pfalz"
    # The name with its article as the subject of a German sentence ("Das Ministerium …
    # ist bemüht"); None derives it from OPERATOR_NAME (antrag/network/legal.py).
    OPERATOR_NAME_WITH_ARTICLE = None
    OPERATOR_ADDRESS = "Schillerplatz 3–5, 55116 Mainz"
    OPERATOR_REPRESENTATIVE = "Der Minister des Innern und für Sport"
    OPERATOR_EMAIL = "digitale-stadt@mdi.example"
    OPERATOR_PHONE = ""
    CONTENT_RESPONSIBLE = "Referat Digitale Kommune, Anschrift wie oben"
    PRIVACY_OFFICER_EMAIL = "datenschutz@mdi.example"
    # Barrier reports are mailed here; the statement names this contact.
    ACCESSIBILITY_CONTACT_NAME = "Koordinierungsstelle Barrierefreiheit"
    ACCESSIBILITY_CONTACT_EMAIL = "barrierefreiheit@mdi.example"
    ACCESSIBILITY_STATEMENT_DATE = "2026-11-26"  # ISO date the statement was prepared
    # `flask network purge` deletes ended sessions, login attempts and sent mail this old.
    PRIVACY_RETENTION_DAYS = 90
    # … and the registrations of a meeting this many days after its end (counts are kept).
    MEETING_RETENTION_DAYS = 60
    # Log lines (the security log included) go to this file, or to standard error if unset,
    # unless the host configured logging itself (see antrag/logs.py).
    LOG_FILE = None
    LOG_LEVEL = "INFO"

    # Mail: `flask outbox send` relays the outbox. "file" writes <id>.eml files to
    # MAIL_FILE_FOLDER (default <instance>/mail); "smtp" delivers to MAIL_SERVER.
    MAIL_BACKEND = "file"
    MAIL_FILE_FOLDER = None
    MAIL_SERVER = "localhost"
    MAIL_PORT = 25
    MAIL_USE_TLS = False  # STARTTLS after connecting (usually port 587)
    MAIL_USE_SSL = False  # TLS from the start (usually port 465)
    MAIL_USERNAME = None
    MAIL_PASSWORD = None
    MAIL_TIMEOUT = 10  # seconds per SMTP operation
    MAIL_SENDER = "Antrag – Netzwerk Digitale Stadt <antrag@localhost>"
    MAIL_MAX_ATTEMPTS = 8  # then the message is marked failed
    MAIL_RETRY_BASE_SECONDS = 60  # the n-th retry waits base × 2^(n−1) …
    MAIL_RETRY_MAX_SECONDS = 6 * 3600  # … but never longer than this
    # Single sign-on (OpenID Connect; README "Anmeldung über den Identitätsprovider"). Off
    # unless issuer, client id and secret are set. Role map: provider value → Antrag role;
    # the provider only confirms a role Antrag granted, never grants one.
    OIDC_ISSUER = None
    OIDC_CLIENT_ID = None
    OIDC_CLIENT_SECRET = None
    OIDC_SCOPES = "openid email profile"
    OIDC_EMAIL_CLAIM = "email"
    OIDC_ROLE_CLAIM = None
    OIDC_ROLE_MAP: dict = {}
    OIDC_MFA_AMR = ("mfa", "otp", "hwk")  # amr values that count as the second factor
    OIDC_MFA_ACR = ()  # acr values that count as the second factor
    OIDC_TIMEOUT_SECONDS = 10
    OIDC_LOGIN_MINUTES = 10  # a login started at the provider must come back within this
    OIDC_CLOCK_SKEW_SECONDS = 60
    # Roles that may still log in with a password (None: all); the others use the provider.
    PASSWORD_LOGIN_ROLES = None

    @classmethod
    def from_environment(cls) -> dict:
        """Return the settings that the environment overrides."""
        values = {}
        if os.environ.get("DATABASE_URL"):
            values["SQLALCHEMY_DATABASE_URI"] = _normalise_db_url(os.environ["DATABASE_URL"])
        if os.environ.get("SECRET_KEY"):
            values["SECRET_KEY"] = os.environ["SECRET_KEY"]
        for key in (
            "UPLOAD_FOLDER",
            "WORKFLOWS_DIR",
            "PUBLIC_URL",
            "WEBAUTHN_RP_ID",
            "WEBAUTHN_ORIGIN",
            "WEBAUTHN_RP_NAME",
            "WEBAUTHN_USER_VERIFICATION",
            "LOG_FILE",
            "SECOND_FACTOR_KEY",
            *LEGAL_TEXT,
            *LETTERS,
            *PAYMENT_TEXT,
        ):
            if os.environ.get(key):
                values[key] = os.environ[key]
        values.update(_log_level_from_environment())
        values.update(_second_factor_roles_from_environment())
        _check_iso_date(values, "ACCESSIBILITY_STATEMENT_DATE")
        values.update(_mail_from_environment())
        values.update(_numbers_from_environment(SECURITY_NUMBERS))
        values.update(_oidc_from_environment())
        return values


# A fictitious treasury account for development and tests (valid checksum, no real bank
# account: the account number is made up); check-deploy refuses it in production.
DEMO_DEBTOR = {
    "PAYMENT_DEBTOR_NAME": "Landeshauptkasse Rheinland-Pfalz (Demo)",
    "PAYMENT_DEBTOR_IBAN": "DE11550000000000001017",
    "PAYMENT_DEBTOR_BIC": "MARKDEF1550",
}


class DevelopmentConfig(Config):
    """Local use with `make run`: SQLite in the instance folder, a generated secret key."""

    DEBUG = False
    LOAD_DEMO_DATA = True
    # The dev server (`make run` sets DEV_WORKER=1) delivers the outbox to the mail folder and
    # runs the timer in a background thread every this many seconds; see antrag/devworker.py.
    DEV_WORKER = False
    DEV_WORKER_SECONDS = 20
    PAYMENT_DEBTOR_NAME = DEMO_DEBTOR["PAYMENT_DEBTOR_NAME"]
    PAYMENT_DEBTOR_IBAN = DEMO_DEBTOR["PAYMENT_DEBTOR_IBAN"]
    PAYMENT_DEBTOR_BIC = DEMO_DEBTOR["PAYMENT_DEBTOR_BIC"]

    @classmethod
    def from_environment(cls) -> dict:
        """Return the overrides; links follow the dev server's PORT unless PUBLIC_URL is set."""
        values = super().from_environment()
        if "PUBLIC_URL" not in values:
            port = os.environ.get("PORT", "").strip()
            if port.isdigit() and 0 < int(port) < 65536:
                values["PUBLIC_URL"] = f"http://127.0.0.1:{int(port)}"
        if os.environ.get("DEV_WORKER", "").strip() == "1":
            values["DEV_WORKER"] = True
        return values


class ProductionConfig(Config):
    """Production: PostgreSQL via DATABASE_URL, secure cookies, a secret from the environment."""

    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"
    HSTS = True
    MAIL_BACKEND = "smtp"
    NOTICE_SEAL_DEVELOPMENT = False


class TestingConfig(Config):
    """The test suite passes its own database URL and folders."""

    TESTING = True
    SECRET_KEY = "test-secret-key-not-for-production"  # noqa: S105
    PAYMENT_DEBTOR_NAME = DEMO_DEBTOR["PAYMENT_DEBTOR_NAME"]
    PAYMENT_DEBTOR_IBAN = DEMO_DEBTOR["PAYMENT_DEBTOR_IBAN"]
    PAYMENT_DEBTOR_BIC = DEMO_DEBTOR["PAYMENT_DEBTOR_BIC"]


CONFIGS = {
    "development": DevelopmentConfig,
    "production": ProductionConfig,
    "testing": TestingConfig,
}


MAIL_TEXT = ("MAIL_SERVER", "MAIL_USERNAME", "MAIL_PASSWORD", "MAIL_SENDER", "MAIL_FILE_FOLDER")
MAIL_NUMBERS = (
    "MAIL_PORT",
    "MAIL_TIMEOUT",
    "MAIL_MAX_ATTEMPTS",
    "MAIL_RETRY_BASE_SECONDS",
    "MAIL_RETRY_MAX_SECONDS",
)
MAIL_FLAGS = ("MAIL_USE_TLS", "MAIL_USE_SSL")
LEGAL_TEXT = (
    "OPERATOR_NAME",
    "OPERATOR_NAME_WITH_ARTICLE",
    "OPERATOR_ADDRESS",
    "OPERATOR_REPRESENTATIVE",
    "OPERATOR_EMAIL",
    "OPERATOR_PHONE",
    "CONTENT_RESPONSIBLE",
    "PRIVACY_OFFICER_EMAIL",
    "ACCESSIBILITY_CONTACT_NAME",
    "ACCESSIBILITY_CONTACT_EMAIL",
    "ACCESSIBILITY_STATEMENT_DATE",
)
LETTERS = ("NOTICE_SEAL_CERT", "NOTICE_SEAL_KEY", "NOTICE_SEAL_PASSPHRASE", "ANBEST_K_PATH")
PAYMENT_TEXT = ("PAYMENT_DEBTOR_NAME", "PAYMENT_DEBTOR_IBAN", "PAYMENT_DEBTOR_BIC")
SECURITY_NUMBERS = (
    "PAYMENT_DUE_WORKING_DAYS",
    "ESCALATION_WORKING_DAYS",
    "SESSION_IDLE_MINUTES",
    "SESSION_MAX_HOURS",
    "LOGIN_MAX_ATTEMPTS",
    "LOGIN_WINDOW_MINUTES",
    "SECOND_FACTOR_STEP_UP_MINUTES",
    "SECOND_FACTOR_PENDING_MINUTES",
    "PRIVACY_RETENTION_DAYS",
    "MEETING_RETENTION_DAYS",
    "FORM_TOKEN_HOURS",
    "IDEMPOTENCY_KEY_HOURS",
    "API_SYNC_SETTLE_SECONDS",
    "DATABASE_PING_AFTER_SECONDS",
    "PUBLIC_FORM_WINDOW_MINUTES",
    "PUBLIC_FORM_MAX_PER_ADDRESS",
    "PUBLIC_FORM_MAX_PER_EMAIL",
    "TRUSTED_PROXIES",
    "WEBAUTHN_CHALLENGE_SECONDS",
)


def _mail_from_environment() -> dict:
    """Return the mail settings given in the environment; refuse values that cannot work."""
    values = {key: os.environ[key] for key in MAIL_TEXT if os.environ.get(key)}
    backend = os.environ.get("MAIL_BACKEND")
    if backend:
        if backend not in ("smtp", "file"):
            raise ValueError(f"MAIL_BACKEND must be 'smtp' or 'file', not {backend!r}")
        values["MAIL_BACKEND"] = backend
    values.update(_numbers_from_environment(MAIL_NUMBERS))
    for key in (k for k in MAIL_FLAGS if os.environ.get(k)):
        values[key] = os.environ[key].strip().lower() in ("1", "true", "yes", "on")
    return values


OIDC_TEXT = ("OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET", "OIDC_SCOPES")
OIDC_TEXT += ("OIDC_EMAIL_CLAIM", "OIDC_ROLE_CLAIM")
OIDC_LISTS = ("OIDC_MFA_AMR", "OIDC_MFA_ACR", "PASSWORD_LOGIN_ROLES")
OIDC_ROLES = ("applicant", "reviewer", "mentor", "admin")


def _oidc_from_environment() -> dict:
    """Return the single sign-on settings; lists are comma-separated, the role map
    `value=role` pairs separated by semicolons (group names may contain commas)."""
    values = {key: os.environ[key] for key in OIDC_TEXT if os.environ.get(key)}
    for key in (k for k in OIDC_LISTS if os.environ.get(k) is not None):
        values[key] = tuple(v.strip() for v in os.environ[key].split(",") if v.strip())
    if os.environ.get("OIDC_ROLE_MAP"):
        pairs = [p.rpartition("=") for p in os.environ["OIDC_ROLE_MAP"].split(";") if p.strip()]
        if any(not value.strip() or role.strip() not in OIDC_ROLES for value, _, role in pairs):
            raise ValueError(f"OIDC_ROLE_MAP must be 'value=role;…' with roles of {OIDC_ROLES}")
        values["OIDC_ROLE_MAP"] = {value.strip(): role.strip() for value, _, role in pairs}
    values.update(_numbers_from_environment(("OIDC_TIMEOUT_SECONDS", "OIDC_LOGIN_MINUTES")))
    return values


def _log_level_from_environment() -> dict:
    """Return LOG_LEVEL (as gunicorn also reads it: `info`, `warning`, …) if it is given."""
    level = os.environ.get("LOG_LEVEL", "").strip().upper()
    if not level:
        return {}
    if level not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
        raise ValueError(
            f"LOG_LEVEL must be debug, info, warning, error or critical, not {level!r}"
        )
    return {"LOG_LEVEL": level}


def _second_factor_roles_from_environment() -> dict:
    """Return SECOND_FACTOR_ROLES from the environment (comma-separated), refusing typos."""
    raw = os.environ.get("SECOND_FACTOR_ROLES")
    if raw is None:
        return {}
    roles = tuple(r.strip() for r in raw.split(",") if r.strip())
    unknown = [r for r in roles if r not in ("applicant", "reviewer", "mentor", "admin")]
    if unknown:
        raise ValueError(
            "SECOND_FACTOR_ROLES may name applicant, reviewer, mentor and admin, "
            f"not {', '.join(unknown)}"
        )
    return {"SECOND_FACTOR_ROLES": roles}


def _numbers_from_environment(keys) -> dict:
    """Return the whole-number settings among `keys` given in the environment."""
    values = {}
    for key in (k for k in keys if os.environ.get(k)):
        try:
            values[key] = int(os.environ[key])
        except ValueError:
            raise ValueError(f"{key} must be a whole number, not {os.environ[key]!r}") from None
    return values


def _check_iso_date(values: dict, key: str) -> None:
    """Refuse a date setting that is not YYYY-MM-DD, naming the variable."""
    from datetime import date

    if key in values:
        try:
            date.fromisoformat(values[key])
        except ValueError:
            raise ValueError(f"{key} must be a date as YYYY-MM-DD, not {values[key]!r}") from None


def _normalise_db_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL URLs given in the common short forms."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url
