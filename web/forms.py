"""The portal's forms (Flask-WTF, so each carries a CSRF token)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from archive.dates import DATE_FIELDS, DateError, normalize_date
from archive.models import ITEM_FIELDS, KINDS, Item

from .editing import LIST_VALUED
from .labels import ACCESS_LABELS, FIELD_LABELS, KIND_LABELS

try:
    from wtforms.fields.choices import SelectChoice as _choice
except ImportError:  # WTForms before 3.3 takes (value, label) pairs
    def _choice(value: str, label) -> tuple:
        return (value, label)

__all__ = ["LoginForm", "edit_form", "EDITABLE", "LONG_FIELDS", "fields_for", "date_message"]

_MAX = 4000  # characters in one field; a description longer than this is a document of its own
LONG_FIELDS = frozenset({"description"})
# Everything of ITEM_FIELDS but what ingest alone knows (the original's format).
EDITABLE = ("title", *(f for f in ITEM_FIELDS if f not in ("format", "media")))
# Fields that only fit some kinds: an administrative document's header, a map's scale. A photo
# has no signer or recipients; a field that holds a value is shown whatever the kind.
_HEADER_FIELDS = frozenset({"doc_number", "doc_type", "issuer", "signer", "signer_capacity",
                            "issued_place", "recipients"})
_KIND_ONLY = {"scale": frozenset({"map"}),
              **{f: frozenset({"document", "publication"}) for f in _HEADER_FIELDS}}
_DATE_PROBLEMS = {
    "format": _l("%(text)s is not a date we can read. Write it as 22/3/2017, "
                 "ngày 22 tháng 3 năm 2017, 3/2017, 2017, c. 1838 or 1944/1945."),
    "day": _l("%(text)s: that day is not in the calendar (check the day and the month)."),
    "month": _l("%(text)s: a month is from 1 to 12."),
    "year": _l("%(text)s: the year must be between 1000 and 2100."),
    "range": _l("%(text)s: a period must end after it starts."),
}


def date_message(err: DateError) -> str:
    """The message for a date that cannot be read, in the interface language."""
    return str(_DATE_PROBLEMS.get(err.problem, _DATE_PROBLEMS["format"]) % {"text": err.text})


def _valid_date(form, field) -> None:
    """Refuse a changed date that cannot be read (an unchanged old value is left as it was)."""
    typed = (field.data or "").strip()
    if not typed or typed == (field.object_data or "").strip():
        return
    try:
        normalize_date(typed, field=field.name)
    except DateError as err:
        raise ValidationError(date_message(err)) from None


def fields_for(item: Item) -> tuple[str, ...]:
    """The editable fields that fit the item's kind, plus any that already hold a value."""
    return tuple(name for name in EDITABLE
                 if name not in _KIND_ONLY or item.kind in _KIND_ONLY[name]
                 or getattr(item, name, None))


class LoginForm(FlaskForm):
    """Name and password."""

    name = StringField(_l("User name"), validators=[DataRequired(), Length(max=40)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])


class _EditBase(FlaskForm):
    """Kind and access; the metadata fields are added per field below."""

    kind = SelectField(FIELD_LABELS["kind"], choices=[_choice(k, KIND_LABELS[k]) for k in KINDS])
    access = SelectField(FIELD_LABELS["access"])


def _field(name: str):
    label = FIELD_LABELS.get(name, name)
    validators = [Optional(), Length(max=_MAX)]
    if name in DATE_FIELDS:
        validators.append(_valid_date)
    if name in LONG_FIELDS:
        return TextAreaField(label, validators=validators)
    if name in LIST_VALUED:  # one per line: values themselves may hold ";" or ","
        return TextAreaField(label, validators=validators, description=_l("One value per line"))
    if name in DATE_FIELDS:
        return StringField(label, validators=validators,
                           description=_l("For example 22/3/2017, 2017, c. 1838 or 1944/1945"))
    return StringField(label, validators=validators)


EditItemForm = type("EditItemForm", (_EditBase,), {name: _field(name) for name in EDITABLE})


def edit_form(levels: tuple[str, ...], **kwargs) -> FlaskForm:
    """The edit form offering only the access levels this editor may set."""
    form = EditItemForm(**kwargs)
    form.access.choices = [_choice(a, ACCESS_LABELS[a]) for a in levels]
    return form
