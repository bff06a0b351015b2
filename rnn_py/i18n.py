"""The language of every sentence that reaches the page: one gettext catalogue per language.

Every visible string is written in English in the code and wrapped where it is shown:
``_("Read {n} timesteps.").format(n=n)`` (never an f-string inside ``_``: the English text
is the catalogue's key); a count picks its form with ``ngettext("{n} step", "{n} steps", n)``,
then ``.format(n=n)``. A string defined before a language can be chosen (a table at module
level) is marked with ``N_`` and translated with ``_`` where it is used. ``install`` puts a
language in place (on the page: before the first paint; tests: around a check). On a translated
page that is a ``Catalogue`` read from the page's JSON block (buildsite/translated.py makes it
from locale/<lang>.po); ``LANGUAGES`` is the one list of the page's languages.
"""

from __future__ import annotations

import gettext

# The page's languages, the one list (the build, the menu, start.js and links read it): code ->
# (its name in itself, its .po's Plural-Forms). English is the source; its strings are the keys.
LANGUAGES: dict[str, tuple[str, str]] = {
    "en": ("English", "nplurals=2; plural=(n != 1);"),
    "es": ("Español", "nplurals=2; plural=(n != 1);"),
    "de": ("Deutsch", "nplurals=2; plural=(n != 1);"),
    "fr": ("Français", "nplurals=2; plural=(n > 1);"),
    "zh": ("中文（简体）", "nplurals=1; plural=0;"),
}
PSEUDO = "qps"  # the pseudo-locale, every message ⟦wrapped and 40% longer⟧ (buildsite/pseudo.py)

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


class Catalogue(gettext.NullTranslations):
    """A language's messages from the page's catalogue block (buildsite/translated.py):
    msgid -> msgstr, or msgid -> [one msgstr per plural form] for a count; plural_forms is
    the .po's Plural-Forms header. A message missing or empty stays in English."""

    def __init__(self, messages: dict[str, str | list[str]], plural_forms: str = "") -> None:
        super().__init__()
        self.messages = messages
        self.plural = _plural_rule(plural_forms)

    @classmethod
    def from_json(cls, text: str) -> Catalogue:
        """From the block's JSON: {"lang": …, "plural": …, "messages": {…}}."""
        import json

        data = json.loads(text)
        return cls(data.get("messages", {}), data.get("plural", ""))

    def gettext(self, message: str) -> str:
        found = self.messages.get(message)
        return found if isinstance(found, str) and found else message

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        forms = self.messages.get(singular)
        if isinstance(forms, list):
            index = self.plural(n)
            if 0 <= index < len(forms) and forms[index]:
                return forms[index]
        return singular if n == 1 else plural


def _plural_rule(plural_forms: str):
    """The form index for n, from "nplurals=2; plural=(n > 1);" (English's rule when absent)."""
    import re

    match = re.search(r"plural\s*=\s*([^;]+)", plural_forms)
    c2py = getattr(gettext, "c2py", None)  # gettext's own parser of the C expression
    if match and c2py is not None:
        try:
            rule = c2py(match.group(1).strip())
            return lambda n: int(rule(n))
        except ValueError:
            pass
    return lambda n: int(n != 1)
