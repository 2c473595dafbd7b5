"""Fuzzing (hypothesis): the query parser, the manifest reader and the Vietnamese metadata reader
never let an exception escape, and every refusal is a clear, one-line ArchiveError."""
from __future__ import annotations

import string

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from archive.errors import ArchiveError, UsageError
from ingest.metadata.citations import find_citations
from ingest.metadata.header import read_document, read_header
from ingest.metadata.manifest import read_manifest
from search.parse import parse_query
from search.schema import build_schema

SCHEMA = build_schema()
# Text that looks like what users and OCR produce: Vietnamese, CJK, operators, numbers, quotes.
_ALPHABET = st.sampled_from(list(string.printable) + list("ạảãàáâậầấẩẫăặằắẳẵđĐơờớởỡợưừứửữự"
                                                         "谅山友谊关口岸서울東京«»“”–—\u00ad\u00a0"))
_QUERYISH = st.lists(st.one_of(
    st.text(alphabet=_ALPHABET, max_size=12),
    st.sampled_from(["AND", "OR", "NOT", "VÀ", "HOẶC", "KHÔNG", '"', "(", ")", "loai:", "kind:",
                     "so:", "nam:", "..", "*", "-", "51/KH-UBND", "1800..1900", "~2", "lang:zh"]),
), max_size=12).map(" ".join)
_FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_FUZZ
@given(_QUERYISH)
@example("« “ LOAI: « \n“")  # once found: the typed value's newline was quoted into the message
def test_parse_query_never_crashes(text):
    try:
        parse_query(text, schema=SCHEMA)
    except UsageError as err:
        assert str(err) and "\n" not in str(err)


@_FUZZ
@given(st.text(max_size=200))
def test_parse_query_on_any_unicode(text):
    try:
        parse_query(text, schema=SCHEMA)
    except UsageError as err:
        assert str(err)


@_FUZZ
@given(st.lists(st.text(alphabet=_ALPHABET, max_size=400), max_size=4))
def test_metadata_reader_never_crashes(pages):
    header = read_document(pages)
    read_header("\n".join(pages))
    find_citations(" ".join(pages))
    assert header.doc_number is None or isinstance(header.doc_number, str)


_CELL = st.text(alphabet=st.sampled_from(list(string.printable) + list("ạđĐơư谅,;\"\n\r")), max_size=20)


@_FUZZ
@given(st.binary(max_size=300) | st.lists(st.lists(_CELL, max_size=6), max_size=5).map(
    lambda rows: "\n".join(",".join(r) for r in rows).encode("utf-8")))
def test_manifest_reader_never_crashes(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("m") / "manifest.csv"
    path.write_bytes(b"file,title,access,kind,languages\n" + data)
    try:
        manifest = read_manifest(path)
    except ArchiveError as err:
        assert "manifest.csv" in str(err)
        return
    for row in [*manifest.by_file.values(), *manifest.records]:
        assert row.values.get("access", "internal") in ("public", "internal", "restricted")
