"""The general conditions (ANBest-K) as data, attached to a funding notice as its last pages.

The text lives in a YAML file with its version, date and source (`data/anbest_k.yaml`, or
the file `ANBEST_K_PATH` names), so that a new version is a new file and every notice names
the version it was issued with.
"""

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

import yaml

from .text import german_date

DEFAULT_PATH = Path(__file__).parent / "data" / "anbest_k.yaml"


@dataclass(frozen=True)
class Conditions:
    """One version of the general conditions: name, version, date, source and its text."""

    title: str
    short: str
    version: str
    date: date
    source: str
    verified: bool
    preamble: str
    sections: tuple[tuple[str, str], ...]

    @property
    def named(self) -> str:
        """Return how the notice names them: short name, version and date."""
        return f"{self.short} in der Fassung vom {german_date(self.date)} ({self.version})"


def load(path: str | Path | None = None) -> Conditions:
    """Return the conditions stored at `path` (the shipped version when None)."""
    path = Path(path or DEFAULT_PATH)
    return _load(path, path.stat().st_mtime_ns)


@lru_cache(maxsize=8)
def _load(path: Path, _mtime: int) -> Conditions:
    """Read and parse the file once per version of it on disk."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    day = raw["date"]
    if not isinstance(day, date):
        day = date.fromisoformat(str(day))
    return Conditions(
        title=" ".join(str(raw["title"]).split()),
        short=str(raw["short"]),
        version=str(raw["version"]),
        date=day,
        source=" ".join(str(raw["source"]).split()),
        verified=bool(raw.get("verified", False)),
        preamble=str(raw.get("preamble", "")).strip(),
        sections=tuple((str(s["heading"]), str(s["text"]).strip()) for s in raw["sections"]),
    )


def configured() -> Conditions:
    """Return the conditions the app is configured with (ANBEST_K_PATH), or the shipped ones."""
    from flask import current_app, has_app_context

    path = current_app.config.get("ANBEST_K_PATH") if has_app_context() else None
    return load(path)


def write_pages(pdf, conditions: Conditions) -> None:
    """Append the conditions as pages of the letter, headed with version and date."""
    pdf.new_page()
    pdf.set_xy(pdf.l_margin, pdf.t_margin)
    pdf.paragraph("Anlage zum Zuwendungsbescheid", size=9)
    pdf.heading(conditions.title, level=1, gap=1)
    pdf.paragraph(f"Fassung vom {german_date(conditions.date)}: {conditions.version}", gap=1)
    pdf.paragraph(f"Quelle: {conditions.source}", size=9, gap=4)
    if conditions.preamble:
        pdf.paragraph(conditions.preamble, gap=3)
    for heading, text in conditions.sections:
        pdf.heading(heading)
        pdf.paragraph(text, gap=3)
