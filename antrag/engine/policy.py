"""Rules a workflow author cannot drop: four eyes on decisions, signing authority on letters.

The workflow files are the procedure's rules, but some of them protect money and rights and
are the ministry's policy, not the author's choice. Validation enforces them here, in code,
for every version of every definition; a definition that drops one is refused.

- Every decision about money or rights is declared with `decision: money|rights` and needs
  a four-eyes guard (a second person decides what the first proposed). Which transitions are
  such decisions does not depend on the author's marker alone: `REQUIRED_DECISIONS` names
  them per workflow (a definition that lacks or renames one is refused), and a transition
  running one of the `DECISION_EFFECTS` (they move money or grant rights) is one whatever
  its name.
- Every transition that issues a letter (an administrative act: a notice) needs the guard
  `signing_authority`. Letter effects are listed in `LETTER_EFFECTS` or registered with
  `@effect(name, letter=True)`.

Where this comes from: four eyes on the decisions and signing authority on letters are the
ministry's internal control policy (DESIGN.md §§ 2, 8), not a rule of one statute. For
payments it follows the separation of functions of the state's payment procedure: payments
only on an order of the competent authority (§ 70 LHO Rheinland-Pfalz), with the
establishment of correctness and the order kept apart (VV-LHO zu §§ 70 bis 80, Verwaltungs-
vorschrift des Ministeriums der Finanzen vom 16. November 2018, MinBl. 2018 S. 127, Nr. 1.2
"Verantwortlichkeiten" and Nr. 1.7 "Ausgeschlossene Personen"). See README, "Rechtliche
Grundlagen".
"""

from .registry import LETTER_EFFECTS as REGISTERED_LETTER_EFFECTS
from .spec import WorkflowDefinition

# Guards that let only a second person fire a transition.
FOUR_EYES_GUARDS = frozenset({"four_eyes", "four_eyes_release"})
SIGNING_GUARD = "signing_authority"

# workflow -> {trigger: kind}: the decisions each workflow must declare, with four eyes.
# Extend it when a workflow gains a decision.
REQUIRED_DECISIONS: dict[str, dict[str, str]] = {
    "membership": {"approve": "rights", "reject": "rights"},
    "call_off": {"release": "money"},
    "proof_of_use": {"accept": "money"},
    # An amendment lowers the amount or changes the conditions of a grant: a second person.
    "amendment_notice": {"co_sign": "money"},
    # The reclaim decision fixes what the city owes; dropping it waives the state's claim.
    "reclaim": {"decide": "money", "drop": "money"},
}

# Effects that make a transition a decision about money or rights, whatever its name.
DECISION_EFFECTS: dict[str, str] = {
    "create_funding_notice": "rights",
    "reserve_budget": "money",
    "record_payment": "money",
    "order_payment": "money",  # call_off v2: the release orders the payment (§ 70 LHO)
    "settle_proof": "money",
    "fix_reclaim": "money",
}

# Effects that issue a letter; more are registered with `@effect(name, letter=True)`.
LETTER_EFFECTS = frozenset(
    {
        "render_notice",
        "render_rejection_notice",
        "render_amendment_notice",
        "render_reclaim_notice",
    }
)


# Decisions that, besides every letter (signing a notice), need the person firing them to
# have passed a second factor recently (step-up, antrag/accounts/step_up.py): releasing a
# payment and deciding a reclaim (or dropping it, which waives the state's claim).
STEP_UP_DECISIONS: dict[str, frozenset[str]] = {
    "call_off": frozenset({"release"}),
    "reclaim": frozenset({"decide", "drop"}),
}


def needs_step_up(d: WorkflowDefinition, t) -> bool:
    """Return whether firing `t` of `d` needs a fresh second factor of the person."""
    return SIGNING_GUARD in t.guards or t.trigger in STEP_UP_DECISIONS.get(d.name, ())


def letter_effects() -> frozenset[str]:
    """Return every effect that issues a letter (listed here or registered as one)."""
    return LETTER_EFFECTS | frozenset(REGISTERED_LETTER_EFFECTS)


def enforce(d: WorkflowDefinition, problems: list[str]) -> None:
    """Append a `file:line: policy: …` problem for every protective rule `d` drops."""
    at = d.path
    for trigger, kind in sorted(REQUIRED_DECISIONS.get(d.name, {}).items()):
        t = d.transition(trigger)
        if t is None:
            problems.append(
                f"{at}:1: policy: workflow '{d.name}' must declare the decision '{trigger}' "
                f"(decision: {kind}, four eyes)"
            )
        elif t.decision != kind:
            problems.append(
                f"{at}:{t.line}: policy: transition '{trigger}' is a decision about {kind} "
                f"and must be marked 'decision: {kind}'"
            )
    letters = letter_effects()
    for t in d.transitions:
        where = f"{at}:{t.line}: policy: transition '{t.trigger}'"
        for effect in t.effects:
            if effect in DECISION_EFFECTS and t.decision is None:
                problems.append(
                    f"{where} runs '{effect}', a decision about {DECISION_EFFECTS[effect]}, "
                    f"and must be marked 'decision: {DECISION_EFFECTS[effect]}'"
                )
        if t.decision is not None:
            if not FOUR_EYES_GUARDS & set(t.guards):
                problems.append(
                    f"{where} decides about {t.decision} and needs four eyes "
                    f"(one of the guards {', '.join(sorted(FOUR_EYES_GUARDS))})"
                )
            if d.initial in t.sources:
                problems.append(
                    f"{where} decides about {t.decision}: it needs a proposal before it, "
                    "not the initial state as its source"
                )
        if letters & set(t.effects) and SIGNING_GUARD not in t.guards:
            problems.append(f"{where} issues a letter and needs the guard '{SIGNING_GUARD}'")
