"""Rhineland-Palatinate's public holidays and working days, from the `holidays` library.

Source: Landesgesetz über den Schutz der Sonn- und Feiertage (Feiertagsgesetz – LFtG)
Rheinland-Pfalz, § 2 (1), maintained as data by the `holidays` package
(https://github.com/vacanza/holidays, subdivision "RP" of Germany). § 2 (1) LFtG lists
ten days: Neujahr, Karfreitag, Ostermontag, 1. Mai, Christi Himmelfahrt, Pfingstmontag,
Fronleichnam, 3. Oktober, Allerheiligen, 25. and 26. Dezember; Reformationstag 2017 was a
one-off holiday declared under § 2 (2) LFtG, which the library knows too. Text of § 2 LFtG
as checked: https://www.anwalt24.de/gesetze/lftg/2.
"""

from datetime import date
from functools import lru_cache

import holidays

COUNTRY, SUBDIVISION = "DE", "RP"


@lru_cache(maxsize=64)
def public_holidays(year: int) -> frozenset[date]:
    """Return the statutory public holidays of Rhineland-Palatinate in `year`."""
    return frozenset(holidays.country_holidays(COUNTRY, subdiv=SUBDIVISION, years=year))


def is_working_day(day: date) -> bool:
    """Return whether `day` is a working day (Mon–Fri, not a public holiday in RLP)."""
    return day.weekday() < 5 and day not in public_holidays(day.year)


def next_working_day(day: date) -> date:
    """Return `day` itself if it is a working day, otherwise the next working day."""
    while not is_working_day(day):
        day = date.fromordinal(day.toordinal() + 1)
    return day
