"""A pseudo-locale for tests: every translated message comes back as ``⟦…⟧``.

Rendering a page under it and finding visible text outside the brackets finds the strings
nobody marked for translation, without anyone writing a translation.

How it works (see django/utils/translation/trans_real.py): Django keeps one translation
object per language in ``trans_real._translations`` and the thread's active one in
``trans_real._active``; ``gettext``, ``ngettext``, ``pgettext`` and ``npgettext`` (and so
``{% translate %}``, ``{% blocktranslate %}``, the lazy variants and Django's own messages)
all end in that object's ``gettext`` or ``ngettext``. :func:`pseudo_translations` puts a
:class:`PseudoTranslation` in the cache for the site's languages and resets the active one,
so ``LocaleMiddleware`` (or ``translation.activate``) picks it up; afterwards it takes it
out again and resets, as Django's own tests do when a language setting changes.

It proves that a string goes through gettext at display time; that ``makemessages`` can
extract it needs a literal (or the vocabulary's no-op ``_``), which review checks.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from html.parser import HTMLParser
from typing import Any, NamedTuple

from asgiref.local import Local
from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils.translation import trans_real as _trans_real

# Its private state (_translations, _active, _default) is not in the type stubs.
trans_real: Any = _trans_real

OPEN, CLOSE = "⟦", "⟧"
CONTEXT_SEPARATOR = _trans_real.CONTEXT_SEPARATOR


def _without_context(message: str) -> str:
    # pgettext looks "context\x04message" up and falls back to the bare message when the
    # separator is still in the result: strip it, as a found translation would.
    return message.split(CONTEXT_SEPARATOR, 1)[-1]


class PseudoTranslation(_trans_real.DjangoTranslation):
    """Django's translation object for a language, with every message wrapped in ⟦…⟧."""

    def gettext(self, message: str) -> str:
        return f"{OPEN}{_without_context(message)}{CLOSE}"

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        return self.gettext(msgid1 if n == 1 else msgid2)


def _site_languages() -> set[str]:
    return {settings.LANGUAGE_CODE, *(code for code, _name in settings.LANGUAGES)}


def _reset_active() -> None:
    trans_real._default = None
    trans_real._active = Local()


@contextmanager
def pseudo_translations(languages: Iterable[str] | None = None) -> Iterator[None]:
    """Translate into the pseudo-locale, for the site's languages (or these ones)."""
    codes = set(languages) if languages is not None else _site_languages()
    installed = {code: PseudoTranslation(code) for code in codes}
    saved = {code: trans_real._translations.get(code) for code in codes}
    trans_real._translations.update(installed)
    _reset_active()
    try:
        yield
    finally:
        for code, pseudo in installed.items():
            if trans_real._translations.get(code) is pseudo:
                if saved[code] is None:
                    del trans_real._translations[code]
                else:
                    trans_real._translations[code] = saved[code]
        _reset_active()


class TextChunk(NamedTuple):
    """One piece of visible text: a text node ("text") or an attribute value ("@name")."""

    text: str
    source: str


# Attributes a person reads or hears (site.js shows the data-copy-* messages).
TRANSLATED_ATTRIBUTES = frozenset(
    {"title", "aria-label", "placeholder", "alt", "data-copy-done", "data-copy-failed"}
    | {"data-copy-selected"}
)
BUTTON_INPUT_TYPES = frozenset({"submit", "button", "reset"})
SKIPPED_ELEMENTS = frozenset({"script", "style", "noscript", "template"})


class _VisibleText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[TextChunk] = []
        self._skipping: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._skipping:
            if tag == self._skipping[-1]:
                self._skipping.append(tag)
            return
        if tag in SKIPPED_ELEMENTS:
            self._skipping.append(tag)
            return
        values = {name: value or "" for name, value in attrs}
        for name, value in values.items():
            if name in TRANSLATED_ATTRIBUTES:
                self.chunks.append(TextChunk(value, f"@{name}"))
        if tag == "input" and values.get("type") in BUTTON_INPUT_TYPES and "value" in values:
            self.chunks.append(TextChunk(values["value"], "@value"))
        if tag == "meta" and values.get("name") == "description":
            self.chunks.append(TextChunk(values.get("content", ""), "@content"))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if self._skipping and self._skipping[-1] == tag:
            self._skipping.pop()

    def handle_endtag(self, tag: str) -> None:
        if self._skipping and tag == self._skipping[-1]:
            self._skipping.pop()

    def handle_data(self, data: str) -> None:
        if not self._skipping and data.strip():
            self.chunks.append(TextChunk(data, "text"))


def visible_text_chunks(html: str) -> list[TextChunk]:
    """Text nodes (not in script, style, noscript or template) and the attributes people
    read (title, aria-label, placeholder, alt, button values, the meta description), in
    document order."""
    parser = _VisibleText()
    parser.feed(html)
    parser.close()
    return parser.chunks


_SPACE = re.compile(r"\s+")


def _normalise(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def _outside_brackets(texts: Iterable[str]) -> Iterator[str]:
    """The runs of each text that lie outside every ⟦…⟧, carrying the nesting depth from one
    text to the next (a translated sentence may hold tags: ``⟦China's new <b>K visa</b>…⟧``)."""
    depth = 0
    for text in texts:
        run: list[str] = []
        for char in text:
            if char == OPEN:
                if depth == 0:
                    yield "".join(run)
                    run = []
                depth += 1
            elif char == CLOSE:
                depth = max(depth - 1, 0)
            elif depth == 0:
                run.append(char)
        yield "".join(run)


def _has_words(text: str) -> bool:
    return any(char.isalpha() for char in text)


def untranslated_chunks(html: str, *, allowed: Iterable[str] = ()) -> list[str]:
    """Visible text outside ⟦…⟧ that is not an allowed string (database content, the
    applicant's own answers) nor only numbers, dates in digits and punctuation."""
    allowed_texts = sorted(
        {_normalise(a) for a in allowed if _has_words(a) and len(_normalise(a)) > 1},
        key=len,
        reverse=True,
    )
    chunks = visible_text_chunks(html)
    # Text nodes are read as one stream; each attribute stands alone.
    runs = [("", run) for run in _outside_brackets(c.text for c in chunks if c.source == "text")]
    runs += [
        (f"{chunk.source}: ", run)
        for chunk in chunks
        if chunk.source != "text"
        for run in _outside_brackets([chunk.text])
    ]
    offending = []
    for where, run in runs:
        remainder = _normalise(run)
        for text in allowed_texts:
            remainder = remainder.replace(text, " ")
        if _has_words(remainder):
            offending.append(f"{where}{_normalise(run)}")
    return offending


def assert_fully_translated(html: str, *, allowed: Iterable[str] = (), page: str = "") -> None:
    """Fail with every piece of visible text that did not go through the translation."""
    offending = untranslated_chunks(html, allowed=allowed)
    listed = "\n".join(f"  - {chunk!r}" for chunk in offending)
    assert not offending, (
        f"Untranslated text on {page or 'the page'} (mark it with {{% translate %}}, "
        f"{{% blocktranslate %}} or gettext, or allow it if it is content):\n{listed}"
    )


def content_texts(app_labels: Iterable[str] = ("visas",)) -> set[str]:
    """Every text stored in these apps' models (program names, statements, summaries,
    sources, ...): content written by advisers, shown as it is. Also each of its lines, for
    templates that split paragraphs."""
    texts: set[str] = set()
    for label in app_labels:
        for model in apps.get_app_config(label).get_models():
            names = [
                field.name
                for field in model._meta.concrete_fields
                if isinstance(field, models.CharField | models.TextField) and not field.choices
            ]
            if not names:
                continue
            for row in model._default_manager.values_list(*names):
                for value in row:
                    if isinstance(value, str) and value.strip():
                        texts.add(value)
                        texts.update(line for line in value.splitlines() if line.strip())
    return texts
