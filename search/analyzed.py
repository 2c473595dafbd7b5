"""Whoosh's ``add_document`` in two halves: analyzing a document, and adding it to a writer.

Analyzing (tokenizing, grouping positions by word, encoding them: nearly all of the cost) needs
no writer and no lock, so ingest analyzes each item as soon as it is catalogued, while the
workers still read the next files, and the index commit at the end of a batch only adds the
analyzed postings to the pool (``add_analyzed``). What reaches the writer is exactly what
``SegmentWriter.add_document`` would put there: the same postings, weights, lengths, stored
values and column values, in the same order (tests/test_born_digital_index.py compares the
segments written both ways byte for byte).
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from whoosh.analysis import RegexTokenizer
from whoosh.fields import UnknownFieldError
from whoosh.formats import Frequency
from whoosh.system import pack_uint

__all__ = ["AnalyzedDocument", "analyze", "add_analyzed"]


@dataclass(frozen=True)
class _Field:
    """One field of an analyzed document, as add_document hands it to the pool and writer."""

    name: str
    postings: tuple[tuple[bytes, float, bytes], ...]  # term, weight (boosted), encoded value
    stored: object  # the value stored for the field, or None
    length: int  # the field's length in the document (scorable fields), else 0
    column: object  # the column value, or _NO_COLUMN


_NO_COLUMN = object()


@dataclass(frozen=True)
class AnalyzedDocument:
    """A document's fields analyzed against one schema, ready for any writer on that schema."""

    schema: object
    fields: tuple[_Field, ...]
    size: int  # postings held: what a cache of analyzed documents counts


def analyze(schema, fields: dict) -> AnalyzedDocument | None:
    """Analyze a document's `fields` as ``SegmentWriter.add_document`` would; None when it has
    a feature that needs the writer itself (spelling words, term vectors)."""
    docboost = float(fields["_boost"]) if "_boost" in fields else 1.0
    names = sorted(name for name in fields if not name.startswith("_"))
    for name in names:
        if name not in schema:
            raise UnknownFieldError("No field named %r in %s" % (name, schema))
    out, size = [], 0
    for name in names:
        value = fields.get(name)
        if value is None:
            continue
        field = schema[name]
        if field.separate_spelling() or field.vector:
            return None
        postings: list[tuple[bytes, float, bytes]] = []
        length = 0
        if field.indexed:
            boostkw = "_%s_boost" % name
            boost = float(fields[boostkw]) if boostkw in fields else docboost
            scorable = field.scorable
            values = _line_values(field, value) if _is_lines_field(field, value) else \
                field.index(value)
            for tbytes, freq, weight, vbytes in values:
                postings.append((tbytes, weight * boost, vbytes))
                if scorable:
                    length += freq
        custom = fields.get("_stored_%s" % name, value)
        column = _NO_COLUMN
        if field.column_type and custom is not None:
            column = field.to_column_value(custom)
        out.append(_Field(name, tuple(postings), custom if field.stored else None,
                          length, column))
        size += len(postings)
    return AnalyzedDocument(schema, tuple(out), size)


def _is_lines_field(field, value) -> bool:
    """A field of one term per line counted by frequency: the vocab field's analyzer and format
    (search/schema.py), whose Whoosh path makes a token object per entry (~60k an ingest)."""
    analyzer = field.analyzer
    return isinstance(value, str) and type(field.format) is Frequency and \
        type(analyzer) is RegexTokenizer and not analyzer.gaps and \
        analyzer.expression.pattern == _LINES


def _line_values(field, value: str):
    """``field.index(value)`` for such a field: each distinct line, its count, weight and the
    count packed, in the order of first occurrence (as Frequency.word_values yields them)."""
    boost = field.format.field_boost
    counts = Counter(line for line in value.split("\n") if line)  # = finditer("[^\n]+")
    return [(line.encode("utf-8"), n, float(n) * boost, pack_uint(n))
            for line, n in counts.items()]


_LINES = r"[^\n]+"


def add_analyzed(writer, doc: AnalyzedDocument) -> None:
    """Add an analyzed document to a segment writer: ``add_document``'s second half."""
    # The caller checks that the writer's schema is the one `doc` was analyzed for
    # (prepared.py compares their fields' pickles: schemas read back never compare equal).
    writer._check_state()
    perdocwriter, add_post, docnum = writer.perdocwriter, writer.pool.add, writer.docnum
    schema = writer.schema
    perdocwriter.start_doc(docnum)
    try:
        for f in doc.fields:
            name, field = f.name, schema[f.name]
            for tbytes, weight, vbytes in f.postings:
                add_post((name, tbytes, docnum, weight, vbytes))
            perdocwriter.add_field(name, field, f.stored, f.length)
            if f.column is not _NO_COLUMN:
                perdocwriter.add_column_value(name, field.column_type, f.column)
    except Exception:
        perdocwriter.cancel_doc()
        raise
    perdocwriter.finish_doc()
    writer._added = True
    writer.docnum += 1
