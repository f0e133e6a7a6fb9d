"""The city that accompanies the network and its mentoring company, as the directory shows them."""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Partner:
    """A partner of the network that is not a member city."""

    name: str
    role: str
    description: str
    ags: str | None = None


ACCOMPANYING_CITY = Partner(
    name="Kaiserslautern",
    ags="07312000",
    role=_l("Begleitende Stadt"),
    description=_l(
        "Die Stadt Kaiserslautern begleitet das Netzwerk und teilt ihre Erfahrungen als "
        "Digitale Stadt mit den Mitgliedsstädten."
    ),
)
MENTOR_ORGANISATION = Partner(
    name="KL.digital GmbH",
    role=_l("Mentorin"),
    description=_l(
        "Die KL.digital GmbH, eine Gesellschaft der Stadt Kaiserslautern, gibt ihr Wissen als "
        "Mentorin an die Mitgliedsstädte weiter."
    ),
)
PARTNERS = (ACCOMPANYING_CITY, MENTOR_ORGANISATION)
