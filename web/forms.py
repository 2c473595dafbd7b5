"""The portal's forms (Flask-WTF, so each carries a CSRF token)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from archive.models import ITEM_FIELDS, KINDS

from .editing import LIST_VALUED
from .labels import ACCESS_LABELS, FIELD_LABELS, KIND_LABELS

try:
    from wtforms.fields.choices import SelectChoice as _choice
except ImportError:  # WTForms before 3.3 takes (value, label) pairs
    def _choice(value: str, label) -> tuple:
        return (value, label)

__all__ = ["LoginForm", "edit_form", "EDITABLE", "LONG_FIELDS"]

_MAX = 4000  # characters in one field; a description longer than this is a document of its own
LONG_FIELDS = frozenset({"description"})
# Everything of ITEM_FIELDS but what ingest alone knows (the original's format).
EDITABLE = ("title", *(f for f in ITEM_FIELDS if f not in ("format",)))


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
    if name in LONG_FIELDS:
        return TextAreaField(label, validators=validators)
    if name in LIST_VALUED:  # one per line: values themselves may hold ";" or ","
        return TextAreaField(label, validators=validators, description=_l("One value per line"))
    return StringField(label, validators=validators)


EditItemForm = type("EditItemForm", (_EditBase,), {name: _field(name) for name in EDITABLE})


def edit_form(levels: tuple[str, ...], **kwargs) -> FlaskForm:
    """The edit form offering only the access levels this editor may set."""
    form = EditItemForm(**kwargs)
    form.access.choices = [_choice(a, ACCESS_LABELS[a]) for a in levels]
    return form
