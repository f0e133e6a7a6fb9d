"""The form of the payments page: the treasury's confirmation file (camt.054)."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField

from ..fields import AppForm


class ConfirmationImportForm(AppForm):
    """The camt.054 debit notification the treasury's bank sends (XML, at most 5 MB)."""

    document = FileField(_l("Buchungsbenachrichtigung der Kasse (camt.054, XML)"))
