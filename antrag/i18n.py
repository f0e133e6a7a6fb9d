"""Languages: the language switch, workflow labels as msgids, and Babel's extraction setup.

German is the source language: every msgid is the German text. The workflow files in
`workflows/` carry German labels; `extract_workflow_labels` hands them to Babel so that they
enter the catalog, and `label` translates one at display time. Code never derives meaning
from a label, only from state and trigger names.
"""

from functools import cache
from pathlib import Path

import yaml
from flask import Blueprint, Flask, has_request_context, redirect, session, url_for
from flask_babel import get_locale, gettext
from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SelectField
from wtforms.fields.choices import SelectChoice

from .redirects import safe_next


def N_(text: str) -> str:
    """Mark a German text held in data (a label dict) as a msgid; `label` translates it."""
    return text


LANGUAGES = {"de": "Deutsch", "en": "English"}
DEFAULT_LANGUAGE = "de"
ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS_DIR = Path(__file__).resolve().parent / "translations"
# Keys of a workflow file whose values are German UI text.
WORKFLOW_TEXT_KEYS = frozenset({"label", "hint", "comment_label"})
# Stored values that pages show through the `label` filter (the notice's financing type).
DATA_LABELS = (N_("Festbetragsfinanzierung"),)
# Keywords besides Babel's defaults (`_`, `gettext`, `ngettext`, `N_`, …) that mark a msgid.
EXTRA_KEYWORDS = {"_l": None, "lazy_gettext": None, "lazy_ngettext": (1, 2)}

bp = Blueprint("i18n", __name__)


@cache
def language_form_class():
    """Return the switch's form class, built on first use (`fields` imports the engine)."""
    from .fields import AppForm

    class LanguageForm(AppForm):
        """The language switch in the page header."""

        lang = SelectField(
            _l("Sprache"), choices=[SelectChoice(code, name) for code, name in LANGUAGES.items()]
        )
        next = HiddenField()

    return LanguageForm


@bp.route("/sprache", methods=["POST"])
def set_language():
    """Remember the chosen language in the session and go back to the page it was chosen on."""
    form = language_form_class()()
    if form.validate_on_submit():
        session["lang"] = form.lang.data
    return redirect(safe_next(form.next.data) or url_for("main.index"))


def label(text: str | None) -> str | None:
    """Translate a German label from a workflow file or a label dict of the data."""
    return gettext(text) if text else text


def current_language() -> str:
    """Return the language code of the current request (German outside requests)."""
    locale = get_locale() if has_request_context() else None
    return locale.language if locale is not None else DEFAULT_LANGUAGE


def init_app(app: Flask) -> None:
    """Register the switch and the `label` filter on `app`."""
    app.register_blueprint(bp)
    app.add_template_filter(label, "label")
    app.jinja_env.globals["languages"] = LANGUAGES
    app.jinja_env.globals["current_language"] = current_language


def extract_workflow_labels(fileobj, keywords, comment_tags, options):
    """Babel extraction method: yield the German texts of a workflow file with their lines."""
    node = yaml.compose(fileobj.read().decode(options.get("encoding", "utf-8")))
    yield from _texts(node)


def _texts(node):
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if (
                isinstance(key, yaml.ScalarNode)
                and key.value in WORKFLOW_TEXT_KEYS
                and isinstance(value, yaml.ScalarNode)
                and value.value
            ):
                yield value.start_mark.line + 1, None, value.value, []
            else:
                yield from _texts(value)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            yield from _texts(item)


def extract_messages(root: Path = ROOT) -> dict[str, list[str]]:
    """Run the extraction of `babel.cfg` over the tree; return each msgid with its locations."""
    from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
    from babel.messages.frontend import parse_mapping_cfg

    with open(root / "babel.cfg", encoding="utf-8") as fileobj:
        method_map, options_map = parse_mapping_cfg(fileobj)
    keywords = {**DEFAULT_KEYWORDS, **EXTRA_KEYWORDS}
    found: dict[str, list[str]] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(root), method_map, options_map, keywords=keywords
    ):
        for msgid in message if isinstance(message, tuple) else (message,):
            if msgid:
                found.setdefault(msgid, []).append(f"{filename}:{lineno}")
    return found
