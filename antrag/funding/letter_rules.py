"""Guards and the effect that make sure a decision letter carries what the law asks of it.

They work on any notice-like subject with `municipality` (and `application`, `round` where
there is one), so the rejection notice can list the same names in its workflow:

- `addressee_complete`: the municipality has a head title and a postal address, the
  addressee of an administrative act being the legal person represented by its head
  (§ 37 (1) VwVfG: sufficiently definite; § 47 (1) GemO RLP: the mayor represents it).
- `signature_block_complete`: the signer's function, unit and phone (with the e-mail every
  account has) for the signature block (§ 37 (3) VwVfG names the authority and the signer).
- `legal_basis_complete`: the programme's funding guideline and the round's budget item,
  which the notice names beside §§ 23, 44 LHO RLP (grants only within the budget item and
  on the conditions of the administrative regulations).
- effect `refresh_addressee`: copies the addressee from the municipality at issue, so that
  a notice drafted before the address was entered carries it.
"""

from flask_babel import gettext as _

from ..engine import effect, guard


def addressee_gaps(subject) -> list[str]:
    """Return what the addressee of `subject`'s letter lacks (German), or []."""
    municipality = getattr(subject, "municipality", None)
    if municipality is None:
        return [_("die Kommune")]
    gaps = getattr(municipality, "addressee_gaps", None)
    return gaps() if gaps is not None else []


@guard(
    "addressee_complete",
    lambda ctx: _(
        "Für %(municipality)s fehlt in der Verwaltung noch: %(missing)s. Ein Bescheid "
        "braucht die Kommune als Empfängerin mit ihrer Verwaltungsspitze und ihrer "
        "Anschrift; bitte lassen Sie die Angaben unter „Kommunen“ ergänzen.",
        municipality=ctx.subject.municipality.name,
        missing=", ".join(addressee_gaps(ctx.subject)),
    ),
)
def addressee_complete(ctx) -> bool:
    """The municipality has a head title, a street, a postal code and a town."""
    return not addressee_gaps(ctx.subject)


def signature_gaps(actor) -> list[str]:
    """Return the labels of the signature block the actor's account lacks."""
    gaps = getattr(actor, "signature_gaps", None)
    return gaps() if gaps is not None else []


@guard(
    "signature_block_complete",
    lambda ctx: _(
        "Ihrem Konto fehlt für den Unterschriftsblock des Bescheids noch: %(missing)s. "
        "Bitte lassen Sie die Angaben in der Verwaltung unter „Konten“ ergänzen.",
        missing=", ".join(signature_gaps(ctx.actor)),
    ),
)
def signature_block_complete(ctx) -> bool:
    """The signer's account carries function, unit and phone."""
    return not signature_gaps(ctx.actor)


def _round_of(subject):
    """Return the round of a notice (its own, or its application's)."""
    found = getattr(subject, "round", None)
    if found is None and getattr(subject, "application", None) is not None:
        found = subject.application.round
    return found


def legal_basis_gaps(subject) -> list[str]:
    """Return what the legal basis and budget item of `subject`'s letter lack (German)."""
    round_ = _round_of(subject)
    if round_ is None:
        return [_("die Antragsrunde")]
    gaps = []
    programme = round_.programme
    if not getattr(programme, "guideline_title", None):
        gaps.append(_("Titel der Förderrichtlinie des Programms „%(name)s“", name=programme.name))
    if getattr(programme, "guideline_date", None) is None:
        gaps.append(_("Datum der Förderrichtlinie des Programms „%(name)s“", name=programme.name))
    if not getattr(round_, "budget_chapter", None):
        gaps.append(_("Kapitel der Haushaltsstelle der Runde „%(name)s“", name=round_.name))
    if not getattr(round_, "budget_title", None):
        gaps.append(_("Titel der Haushaltsstelle der Runde „%(name)s“", name=round_.name))
    return gaps


@guard(
    "legal_basis_complete",
    lambda ctx: _(
        "Dem Bescheid fehlt für Rechtsgrundlage und Haushaltsstelle noch: %(missing)s. "
        "Bitte lassen Sie die Angaben in der Verwaltung unter „Programme und Runden“ "
        "ergänzen.",
        missing="; ".join(legal_basis_gaps(ctx.subject)),
    ),
)
def legal_basis_complete(ctx) -> bool:
    """The programme names its funding guideline with its date, the round its budget item."""
    return not legal_basis_gaps(ctx.subject)


@effect("refresh_addressee")
def refresh_addressee(ctx) -> None:
    """Copy the addressee (legal designation, head, postal address) onto the notice."""
    notice, municipality = ctx.subject, ctx.subject.municipality
    notice.addressee_name = municipality.legal_designation
    notice.addressee_head = municipality.represented_by
    notice.addressee_address = municipality.postal_address
