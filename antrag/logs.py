"""Where Antrag's log lines go: standard error, or the file named by LOG_FILE.

Python drops INFO records of loggers nobody configured (its last-resort handler shows
warnings and errors only), and neither gunicorn nor the `flask` command configures
Antrag's loggers: without this module the security log (`antrag.security`) would never
be written. A host that configured logging itself (a handler on the root logger, for
example gunicorn's `logconfig_dict` or the test suite) keeps its own configuration.
"""

import logging
import re
import time
from logging.config import dictConfig

from flask import Flask

FORMAT = "%(asctime)s %(levelname)s %(name)s [%(process)d] %(message)s"
# A path segment that looks like a link's secret (invitation, cancel link: 43 characters of
# URL-safe base64) is never written to a log.
_SECRET_SEGMENT = re.compile(r"(?<=/)[A-Za-z0-9_-]{32,}(?=[/?#\s]|$)")
REDACTED = "[entfernt]"


class UTCFormatter(logging.Formatter):
    """Times in UTC with a Z, like the security log's own `time=` field."""

    converter = time.gmtime
    default_time_format = "%Y-%m-%dT%H:%M:%S"
    default_msec_format = "%s.%03dZ"


def redact_path(path: str) -> str:
    """Return `path` with every secret-looking segment replaced."""
    return _SECRET_SEGMENT.sub(REDACTED, path or "")


def configure(app: Flask) -> None:
    """Send the `antrag` loggers to LOG_FILE or standard error, unless the host decided."""
    antrag_logger = logging.getLogger("antrag")
    if app.testing or logging.getLogger().handlers or antrag_logger.handlers:
        return
    destination = app.config.get("LOG_FILE")
    if destination:
        handler = {"class": "logging.handlers.WatchedFileHandler", "filename": destination}
        handler["encoding"] = "utf-8"  # several workers append; logrotate may move the file
    else:
        handler = {"class": "logging.StreamHandler", "stream": "ext://sys.stderr"}
    dictConfig(
        {
            "version": 1,
            "disable_existing_loggers": False,
            "formatters": {"antrag": {"()": UTCFormatter, "format": FORMAT}},
            "handlers": {"antrag": handler | {"formatter": "antrag"}},
            "loggers": {
                "antrag": {
                    "level": app.config["LOG_LEVEL"],
                    "handlers": ["antrag"],
                    "propagate": False,
                },
            },
        }
    )
