"""Questions as the public types them: which words matter, and when KHÔNG is an operator.

A query written without operator syntax is *plain*: each of its words (or place names) is a
:class:`Part`, and the searcher matches them all first, then relaxes to most of them
(``relax.py``). Vietnamese function and question words are parts that weigh little and are
never required: "Điều nào sau đây không đúng về người phát ngôn?" must find the decree about
spokespeople whether or not its text says "nào", "sau", "đây" or "không".

**Operator rule (one line).** ``VÀ``/``HOẶC``/``KHÔNG`` are operators only when the query looks
like a search rather than a sentence: it has other operator syntax (a quoted phrase, a
parenthesis, a ``-word``, a ``field:``, ``AND``/``OR``/``NOT``), or the word is followed by a
phrase, a group or a field, or the query is at most five words and does not end with "?".
English ``AND``/``OR``/``NOT`` are never Vietnamese words, so they stay operators everywhere.

>>> is_function_word("nào", accented=True), is_function_word("nao", accented=False)
(True, True)
>>> is_function_word("cua", accented=False)  # của or cửa (cửa khẩu): not a function word
False
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from whoosh.query import Query

from .analyzers import fold
from .expand import scaled
from .schema import CONTENT_FIELDS, DOC_NUMBER_FIELDS, TEXT_FIELDS, TITLE_FIELDS

__all__ = ["Part", "FUNCTION_WEIGHT", "FUNCTION_WORDS", "FOLDED_FUNCTION_WORDS",
           "is_function_word", "vi_operators_apply", "SHORT_QUERY", "plain_parts",
           "toneless_fields", "function_texts", "split_runs"]

# A function word's share of a content word's score: enough to prefer the item that also
# says "không được" when two are otherwise equal, too little to lead the ranking.
FUNCTION_WEIGHT = 0.2
SHORT_QUERY = 5  # words: at most this many (and no "?") reads as a search, not a sentence

# Syllables (NFC, lowercase) that carry grammar or ask the question, not the topic. They are
# in almost every legal text, so BM25 alone would still let them add up over a long question.
# Left out although grammatical: "đối" (đối ngoại), "từ" (từ ngữ, as in "Giải thích từ ngữ"),
# "người", "việc" (vị trí việc làm): they begin content words too often. "không" is in
# (a question's "…không?" must not be required); "hàng không" still matches it, optionally.
FUNCTION_WORDS = frozenset("""
    nào gì ai đâu sao bao nhiêu lâu thế ra mấy chăng hả
    là có không được bị phải cần nên đã đang sẽ vẫn còn thì mà
    và hoặc hay với của cho để theo về trong tại khi nếu
    các những mọi một này đó đây kia sau gồm như vậy
    tôi em mình chúng bạn ạ nhé
    what which who whom whose when where why how does is are was were the of about
    any there this that these those to in on for with say says tell me many much
""".split())
# Typed without diacritics a syllable may stand for several words: "cua" is của (of) or cửa
# (door, as in cửa khẩu), "co" có or cơ (cơ quan), "dau" đâu or đầu (đầu tư), "tai" tại or tài
# (tài sản), "de" để or đề (đề nghị), "da" đã or đá. Only folded forms whose other readings are
# rare in an archive's text count as function words there.
FOLDED_FUNCTION_WORDS = frozenset("""
    nao gi ai sao nhieu lau may la khong duoc bi phai nen se van thi ma va hoac hay voi theo
    neu cac nhung moi mot nay gom vay toi minh chung ban
    what which who whom whose when where why how does is are was were the of about
    any there this that these those to in on for with say says tell me many much
""".split())
_PUNCTUATION = re.compile(r"[^\w]+")


@dataclass
class Part:
    """One word (or place name) of a plain query: its query, and whether it must match."""

    query: Query
    required: bool = True
    literal: Query | None = None  # a place name as typed, without its other names


def is_function_word(text: str, *, accented: bool) -> bool:
    """Whether a typed word is a function or question word (of a query typed with tones or not)."""
    word = _PUNCTUATION.sub("", text).lower()
    return word in (FUNCTION_WORDS if accented else FOLDED_FUNCTION_WORDS)


def vi_operators_apply(texts: list[str], kinds: list[str], other_syntax: bool) -> list[bool]:
    """For each lexeme, whether a Vietnamese operator word there acts as an operator.

    `texts`/`kinds` are the lexemes' texts and kinds ("word", "phrase", "open", ...);
    `other_syntax` says whether the query uses operator syntax besides these words.
    """
    words = sum(1 for k in kinds if k == "word")
    short = words <= SHORT_QUERY and not "".join(texts).rstrip().endswith("?")
    out = []
    for i, _ in enumerate(texts):
        following = kinds[i + 1] if i + 1 < len(kinds) else None
        syntax_next = following in ("phrase", "open") or (
            following == "word" and re.match(r"[^\W\d][\w\-]*:", texts[i + 1]) is not None)
        out.append(other_syntax or short or syntax_next)
    return out


def plain_parts(parser, schema) -> list[Part]:
    """The parts of a plain query (``parse._Parser``'s top-level spans): one per word or place.

    A function word's part weighs :data:`FUNCTION_WEIGHT` and is not required; a CJK run gives
    one part per bigram, so 友谊关口岸 finds 友谊关国际口岸 by most of its bigrams.
    """
    accented = any(fold(lx.text) != lx.text.lower() for lx in parser.lexemes)
    parts = []
    for start, end, query in parser.spans:
        lexemes = parser.lexemes[start:end]
        text = lexemes[0].text
        if len(lexemes) == 1 and is_function_word(text, accented=accented):
            parts.append(Part(scaled(query, FUNCTION_WEIGHT), required=False))
            continue
        literal = parser.literals.get(id(query))
        bigrams = list(schema["content_f"].process_text(text, mode="query"))
        if literal is None and len(bigrams) > 1 and all(_is_cjk(b) for b in bigrams):
            parts += [Part(parser.values.text(TEXT_FIELDS, b, False, 1)) for b in bigrams]
            continue
        parts.append(Part(query, literal=literal))
    return parts


def function_texts(parser) -> set[str]:
    """The typed texts of a plain query's function words."""
    accented = any(fold(lx.text) != lx.text.lower() for lx in parser.lexemes)
    return {lx.text for lx in parser.lexemes if is_function_word(lx.text, accented=accented)}


def split_runs(runs: list[list[str]], function: set[str] | tuple = ()) -> list[list[str]]:
    """Runs of adjacent words cut between two function words, whose pairs ("nào sau", "sau
    đây") tell nothing of the topic; a function word next to a content word stays, as in
    "hàng không" (aviation) or "tiền gửi được bảo hiểm".

    >>> split_runs([["điều", "nào", "sau", "đây", "đúng"], ["vận", "tải", "hàng", "không"]],
    ...            {"nào", "sau", "đây", "không"})
    [['điều', 'nào'], ['đây', 'đúng'], ['vận', 'tải', 'hàng', 'không']]
    """
    out = []
    for run in runs:
        current: list[str] = []
        for text in run:
            if current and current[-1] in function and text in function:
                out.append(current)
                current = []
            current.append(text)
        out.append(current)
    return [run for run in out if len(run) > 1]


def _is_cjk(token: str) -> bool:
    return all(unicodedata.east_asian_width(c) in "WF" for c in token)


_TONED = (TEXT_FIELDS, TITLE_FIELDS, CONTENT_FIELDS)  # not a place's variants (see expand.py)


def toneless_fields(fields: Mapping[str, float]) -> Mapping[str, float]:
    """The fields for a word typed without diacritics: folded twins only, carrying both boosts.

    Its exact-field match would be a coincidence ("mua" typed for "mưa" is also "mua", to buy),
    so the tone-exact boost goes only to words that carry tones; the folded field gets the
    exact one's boost as well, so the word weighs what a toned word matching both would.
    Document numbers keep their own pair (their folding only maps đ); a place's variants
    (``expand.py``) keep the fields they are given.

    >>> dict(toneless_fields(TITLE_FIELDS))
    {'title_f': 0.75}
    """
    if not any(fields is toned for toned in _TONED):
        return fields
    out: dict[str, float] = {}
    for name, boost in fields.items():
        twin = name if name.endswith("_f") or name in DOC_NUMBER_FIELDS else f"{name}_f"
        if twin not in TEXT_FIELDS:
            twin = name
        out[twin] = out.get(twin, 0.0) + boost
    return out
