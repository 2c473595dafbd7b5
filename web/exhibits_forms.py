"""Forms of the exhibition pages: texts per language, captions, an entry's framing."""
from __future__ import annotations

import re
import unicodedata

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from archive.errors import UsageError
from exhibits import FOREIGN_LANGUAGES, LANGUAGES
from exhibits.clips import parse_time

__all__ = ["exhibition_form", "entry_form", "caption_form", "slug_from", "parse_crop",
           "SLUG_PATTERN"]

_TITLE_MAX = 300
_TEXT_MAX = 8000  # an introduction is a few paragraphs; a caption a few sentences
SLUG_PATTERN = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?")  # as exhibits.create wants


def slug_from(title: str) -> str:
    """An address-safe slug from a Vietnamese title: "Hoàng Sa 2026" -> "hoang-sa-2026"."""
    text = unicodedata.normalize("NFD", title.replace("đ", "d").replace("Đ", "D"))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:64].strip("-")


def parse_crop(text: str | None) -> tuple[float, float, float, float] | None:
    """"x0,y0,x1,y1" as fractions of the picture; empty means the whole picture."""
    raw = (text or "").strip()
    if not raw:
        return None
    try:
        x0, y0, x1, y1 = (float(v) for v in raw.replace(";", ",").split(","))
    except ValueError:
        raise ValueError(_l("Write the crop as four fractions x0,y0,x1,y1, e.g. 0.1,0.2,0.9,0.8"))
    if not (0 <= x0 < x1 <= 1 and 0 <= y0 < y1 <= 1):
        raise ValueError(_l("A crop needs 0 ≤ x0 < x1 ≤ 1 and 0 ≤ y0 < y1 ≤ 1."))
    return (x0, y0, x1, y1)


def _check_slug(form, field) -> None:
    if field.data and not SLUG_PATTERN.fullmatch(field.data.strip()):
        raise ValidationError(_l("Use lowercase letters a-z, digits and hyphens, e.g. "
                                 "hoang-sa-truong-sa-2026."))


def _check_crop(form, field) -> None:
    try:
        parse_crop(field.data)
    except ValueError as err:
        raise ValidationError(str(err.args[0])) from None


def _check_time(form, field) -> None:
    try:
        parse_time(field.data)
    except UsageError:
        raise ValidationError(_l("Write the time as seconds (65), minutes:seconds (1:05) or "
                                 "hours:minutes:seconds (00:01:05).")) from None


class _ExhibitionBase(FlaskForm):
    """Who holds it; the titles and introductions per language are added below."""

    organization = StringField(_l("Organization"), validators=[Optional(), Length(max=300)],
                               description=_l("Printed on the catalogue's cover."))


class _NewBase(_ExhibitionBase):
    """A new exhibition is bilingual from the start."""

    def validate(self, extra_validators=None) -> bool:
        """A Vietnamese title, and a title in at least one foreign language."""
        ok = super().validate(extra_validators)
        if not any((self[f"title_{lang}"].data or "").strip() for lang in FOREIGN_LANGUAGES):
            self["title_en"].errors.append(_l("Give the title in at least one foreign "
                                              "language as well."))
            ok = False
        return ok


def _texts(required_vi: bool) -> dict:
    fields = {}
    for lang in LANGUAGES:
        title_checks = [DataRequired()] if lang == "vi" and required_vi else [Optional()]
        fields[f"title_{lang}"] = StringField(_l("Title"),
                                              validators=[*title_checks, Length(max=_TITLE_MAX)])
        fields[f"intro_{lang}"] = TextAreaField(_l("Introduction"),
                                                validators=[Optional(), Length(max=_TEXT_MAX)])
    return fields


_CreateForm = type("CreateForm", (_NewBase,), {
    "slug": StringField(_l("Address"), validators=[Optional(), Length(max=64), _check_slug],
                        description=_l("Lowercase letters, digits and hyphens; made from the "
                                       "Vietnamese title when left empty.")),
    **_texts(True)})
_EditForm = type("EditForm", (_ExhibitionBase,), _texts(True))


def exhibition_form(*, new: bool, **kwargs) -> FlaskForm:
    """The form for a new exhibition (with its address) or for editing one's texts."""
    return (_CreateForm if new else _EditForm)(**kwargs)


def _captions() -> dict:
    return {f"caption_{lang}": TextAreaField(_l("Caption"), validators=[
        Optional(), Length(max=_TEXT_MAX)]) for lang in LANGUAGES}


CaptionForm = type("CaptionForm", (FlaskForm,), _captions())
EntryForm = type("EntryForm", (FlaskForm,), {
    **_captions(),
    "page": IntegerField(_l("Page"), validators=[Optional(), NumberRange(min=1, max=100_000)],
                         description=_l("The page of a document to show.")),
    "crop": StringField(_l("Crop"), validators=[Optional(), Length(max=100), _check_crop],
                        description=_l("Part to show, as fractions x0,y0,x1,y1 (0 = left/top, "
                                       "1 = right/bottom); empty shows all.")),
    "section": StringField(_l("Section"), validators=[Optional(), Length(max=_TITLE_MAX)],
                           description=_l("Its Vietnamese name; a new name makes a new "
                                          "section.")),
    "clip_start": StringField(_l("Clip starts at"),
                              validators=[Optional(), Length(max=20), _check_time],
                              description=_l("For a film or recording: where the clip begins, "
                                             "e.g. 00:01:05; empty plays from the start.")),
    "clip_end": StringField(_l("Clip ends at"),
                            validators=[Optional(), Length(max=20), _check_time],
                            description=_l("Where it stops, e.g. 00:02:10; empty plays to the "
                                           "end.")),
    "note": TextAreaField(_l("Note"), validators=[Optional(), Length(max=_TEXT_MAX)],
                          description=_l("Printed in the catalogue and shown on the public "
                                         "page.")),
})


def caption_form(**kwargs) -> FlaskForm:
    """Captions only (the side-by-side editor on the exhibition's page)."""
    return CaptionForm(**kwargs)


def entry_form(**kwargs) -> FlaskForm:
    """Captions, page, crop, section and note of one entry."""
    return EntryForm(**kwargs)
