"""Snippets: a short passage of a page around the matched words, escaped, matches in <mark>."""
from __future__ import annotations

from html import escape

from whoosh import highlight

from .analyzers import fold

__all__ = ["make_snippet"]

_FRAGMENTER = highlight.ContextFragmenter(maxchars=220, surround=60)


class _MarkFormatter(highlight.Formatter):
    """Escapes every piece of text and wraps matched words in <mark>."""

    between = " … "

    def format_token(self, text, token, replace=False):
        return "<mark>" + escape(highlight.get_text(text, token, replace)) + "</mark>"

    def _text(self, text):
        return escape(text)


def make_snippet(text: str, words: set[str], analyzer) -> str:
    """The best passage of `text` for the query words (folded), HTML-escaped with <mark> tags."""
    text = " ".join(text.split())  # a snippet is one line: OCR line breaks mean nothing here
    if not text:
        return ""
    folded = {fold(w) for w in words}
    # mode="index" so the parts of document numbers and single CJK characters are marked too.
    marked = highlight.highlight(text, frozenset(folded), analyzer, _FRAGMENTER, _MarkFormatter(),
                                 top=2, mode="index")
    return marked or escape(" ".join(text[:200].split()))
