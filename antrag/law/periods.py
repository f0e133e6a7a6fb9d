"""Legal periods: when an administrative act is made known and when the action period ends.

Rhineland-Palatinate's procedure law applies the federal Verwaltungsverfahrensgesetz in
its current version (§ 1 (1) LVwVfG RLP: "in der jeweils geltenden Fassung"; § 3 (1)
LVwVfG reads "im Inland" in § 41 (2) S. 1 VwVfG as "in der Bundesrepublik Deutschland"),
so the VwVfG's rules below hold for the ministry's notices. Periods are computed in whole
calendar days (Europe/Berlin dates).

Sources as checked (December 2026): § 41 VwVfG, e.g. https://lexetius.com/VwVfG/41
(the text before 2025, with (2a)); the four-day rule from 1 January 2025:
https://weka.de/ordnungsamt-gewerbeamt/aus-drei-mach-vier-laengere-postlaufzeiten and
https://kammerreport.rak-hamburg.de/2025-01/inhalt/service/laengere-postlaufzeiten-seit-2025-und-gesetzliche-fristen
(PostModG of 15 July 2024, BGBl. 2024 I Nr. 236, in force 1 January 2025).
"""

from datetime import date, timedelta

from .public_holidays import next_working_day

# § 41 (2) sentence 1 VwVfG: a written act posted within Germany counts as made known on
# the n-th day after posting. Three days until 31 December 2024; four days for acts
# posted from 1 January 2025 (Gesetz zur Modernisierung des Postrechts – PostModG – of
# 15 July 2024, BGBl. 2024 I Nr. 236: "am dritten Tag" became "am vierten Tag").
# Each row: (posted on or after, days after posting, source).
POSTAL_FICTION_DAYS: tuple[tuple[date, int, str], ...] = (
    (date.min, 3, "§ 41 (2) S. 1 VwVfG in the version until 31 Dec 2024"),
    (date(2025, 1, 1), 4, "§ 41 (2) S. 1 VwVfG as amended by the PostModG of 15 Jul 2024"),
)

# Whether a fictitious day of being made known that falls on a Saturday, Sunday or public
# holiday moves to the next working day. The prevailing view for the VwVfG (BVerwG case
# law on the "Zugangsfiktion") keeps the day as it is; the BFH moves it for tax acts since
# 2023 (§ 108 (3) AO). Antrag follows the prevailing view; the app setting of the same
# name (config.py) switches to shifting.
SERVICE_FICTION_SHIFTS_TO_WORKING_DAY = False

# § 41 (2a) S. 4 VwVfG: an act provided for retrieval and not retrieved within ten days
# after the notice of its provision is not made known.
RETRIEVAL_DAYS = 10

# § 74 (1) S. 2 VwGO: the action (Klage) is brought within one month of being made known;
# the ministry is a supreme state authority, so no objection procedure precedes it
# (§ 68 (1) S. 2 Nr. 1 VwGO).
ACTION_PERIOD_MONTHS = 1

# § 58 (2) S. 1 VwGO: where the instructions on legal remedies (Rechtsbehelfsbelehrung)
# were missing or wrong, the action may be brought "innerhalb eines Jahres seit Zustellung,
# Eröffnung oder Verkündung". Text as checked (December 2026):
# https://haufe.de/recht/deutsches-anwalt-office-premium/zap-222021-rechtsprechungsuebersicht-zum-oeffentlichen-r-viii-verwaltungsprozessrecht_idesk_PI17574_HI14915820.html
WRONG_INSTRUCTIONS_PERIOD_MONTHS = 12


def postal_fiction_days(posted: date) -> int:
    """Return after how many days an act posted on `posted` counts as made known."""
    return next(days for start, days, _ in reversed(POSTAL_FICTION_DAYS) if posted >= start)


def made_known_by_post(
    posted: date, shift_to_working_day: bool = SERVICE_FICTION_SHIFTS_TO_WORKING_DAY
) -> date:
    """Return the day a written act posted within Germany counts as made known.

    § 41 (2) S. 1 VwVfG (with § 1 (1) LVwVfG RLP): the third day after posting until
    2024, the fourth from 1 January 2025 (PostModG). Not moved off weekends and holidays
    unless `shift_to_working_day` (see SERVICE_FICTION_SHIFTS_TO_WORKING_DAY).
    """
    day = posted + timedelta(days=postal_fiction_days(posted))
    return next_working_day(day) if shift_to_working_day else day


def made_known_electronically(retrieved: date) -> date:
    """Return the day an act provided for retrieval counts as made known.

    § 41 (2a) S. 3 VwVfG: the day after it was retrieved.
    """
    return retrieved + timedelta(days=1)


def retrieval_deadline(provided: date) -> date:
    """Return the last day on which an act provided for retrieval can still be retrieved.

    § 41 (2a) S. 4, 5 VwVfG: not retrieved within ten days after the notice of provision
    was sent, the provision ends and the act is not made known. The day of provision is
    not counted (§ 31 (1) VwVfG with § 187 (1) BGB).
    """
    return provided + timedelta(days=RETRIEVAL_DAYS)


def add_months(start: date, months: int) -> date:
    """Return the day `months` later with the same number, or the month's last day.

    § 188 (2), (3) BGB: a period of months ends on the day of the later month with the
    same number as the starting day; if that month has no such day, on its last day.
    """
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    for day in (start.day, 30, 29, 28):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    raise ValueError(start)  # unreachable: every month has 28 days


def action_period_end(
    made_known: date, months: int = ACTION_PERIOD_MONTHS, *, instructions_wrong: bool = False
) -> date:
    """Return the last day of the action period against an act made known on `made_known`.

    § 74 (1) VwGO: one month from being made known, computed by § 57 (2) VwGO with
    § 222 (1) ZPO and §§ 187 (1), 188 (2), (3) BGB (see `add_months`); an end on a
    Saturday, Sunday or public holiday of Rhineland-Palatinate, where the competent
    court sits, moves to the next working day (§ 222 (2) ZPO). With `instructions_wrong`
    the period is one year (§ 58 (2) S. 1 VwGO), computed the same way (§ 57 (2) VwGO).
    """
    if instructions_wrong:
        months = WRONG_INSTRUCTIONS_PERIOD_MONTHS
    return next_working_day(add_months(made_known, months))
