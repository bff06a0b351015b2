"""The language of every sentence that reaches the page: one gettext catalogue per language.

Every visible string is written in English in the code and wrapped where it is shown:
``_("Read {n} timesteps.").format(n=n)`` (never an f-string inside ``_``: the English text
is the catalogue's key); a count picks its form with ``ngettext("{n} step", "{n} steps", n)``,
then ``.format(n=n)``. A string defined before a language can be chosen (a table at module
level) is marked with ``N_`` and translated with ``_`` where it is used. ``install`` puts a
language in place (on the page: before the first paint; tests: around a check).
"""

from __future__ import annotations

import gettext

_current: gettext.NullTranslations = gettext.NullTranslations()
_language = "en"


def install(translations: gettext.NullTranslations | None, language: str = "en") -> None:
    """Use translations (None: English) for every later _()."""
    global _current, _language
    _current = translations if translations is not None else gettext.NullTranslations()
    _language = language if translations is not None else "en"


def language() -> str:
    """The code of the language in place ("en", "es", "de", "fr", "zh", or "qps")."""
    return _language


def _(message: str) -> str:
    """message in the language in place (itself when the catalogue lacks it)."""
    return _current.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form for n, by the language's own plural rule."""
    return _current.ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Marks message for the catalogue without translating it (translate it where shown)."""
    return message
