"""Forms directory editors import other directories' Open Referral data with.

The import form takes an uploaded file (ORUK / HSDS 3.0 JSON, or a zip of the HSDS tabular
package) or a feed address, never both. It checks only what it can tell cheaply and clearly
(the file is there, not too big, really JSON or really a zip with a ``datapackage.json``; the
address is http or https); the import itself validates every record and reports on each.
"""

import json
import zipfile

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from waymark.directory.models import NEEDS_TAXONOMY_NAME, TaxonomyTerm

# The largest file an editor may upload. A directory of 10,000 services is about 30 MB of
# JSON; zipped CSV far less. Bigger sources belong at an address the feed job pulls.
MAX_UPLOAD_BYTES = 40 * 1024 * 1024

FILE_SUFFIXES = (".json", ".zip")


def _first_byte(upload):
    """The first byte of the file that is not white space or a UTF-8 byte order mark."""
    upload.seek(0)
    head = upload.read(1024).lstrip(b"\xef\xbb\xbf \t\r\n")
    upload.seek(0)
    return head[:1]


class ImportForm(forms.Form):
    """An upload or an address, who it is listed by, and whether only to check it."""

    file = forms.FileField(
        label=_("File"),
        required=False,
        widget=forms.FileInput(attrs={"accept": ".json,.zip,application/json,application/zip"}),
        error_messages={
            "invalid": _("The file could not be read: choose it again"),
            "empty": _("The chosen file is empty"),
        },
    )
    url = forms.CharField(
        label=_("Or the address of a feed"),
        help_text=_(
            "The address of another directory's Open Referral UK API (its /services address, or its base), "
            "starting with https://. Open Referral UK 1.0 feeds work too."
        ),
        required=False,
        max_length=500,
        widget=forms.URLInput(attrs={"spellcheck": "false", "autocomplete": "url"}),
        error_messages={"max_length": _("Write at most %(limit_value)d characters")},
    )
    source_name = forms.CharField(
        label=_("Listed by"),
        help_text=_('Who publishes this data. Each imported listing says "Listed by …" with this name.'),
        max_length=255,
        error_messages={
            "required": _("Enter who publishes this data, for example Bolton Council"),
            "max_length": _("Write at most %(limit_value)d characters"),
        },
    )
    dry_run = forms.BooleanField(
        label=_("Check only (dry run): show the report without changing the map"),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Filled in here, not on the class, so that it is in the language of each request.
        self.fields["file"].help_text = _(
            "An Open Referral UK or HSDS 3.0 JSON file (one service, or a list of them), or a zip of "
            "the HSDS tabular package (CSV files with a datapackage.json). At most %(size)s."
        ) % {"size": filesizeformat(MAX_UPLOAD_BYTES)}

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if not upload:
            return None
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError(
                _("The file is %(size)s; the largest you can upload is %(limit)s. Publish it at an address instead."),
                code="too_big",
                params={"size": filesizeformat(upload.size), "limit": filesizeformat(MAX_UPLOAD_BYTES)},
            )
        name = upload.name.lower()
        if not name.endswith(FILE_SUFFIXES):
            raise ValidationError(_("Choose a .json file or a .zip of the HSDS tabular package"), code="suffix")
        if name.endswith(".zip"):
            self._check_package(upload)
        else:
            self._check_json(upload)
        upload.seek(0)
        return upload

    def _check_package(self, upload):
        if not zipfile.is_zipfile(upload):
            raise ValidationError(_("This file is not a zip file, or it is damaged"), code="not_zip")
        upload.seek(0)
        with zipfile.ZipFile(upload) as package:
            names = package.namelist()
        if not any(name == "datapackage.json" or name.endswith("/datapackage.json") for name in names):
            raise ValidationError(
                _("This zip has no datapackage.json, so it is not an HSDS tabular package"), code="no_datapackage"
            )

    def _check_json(self, upload):
        if _first_byte(upload) not in (b"{", b"["):
            raise ValidationError(_("This file is not JSON: it should start with { or ["), code="not_json")
        try:
            json.loads(upload.read().decode("utf-8-sig"))
        except UnicodeDecodeError:
            raise ValidationError(
                _("This file is not written in UTF-8, so it cannot be read"), code="encoding"
            ) from None
        except json.JSONDecodeError as error:
            raise ValidationError(
                _("This file is not valid JSON (line %(line)s, column %(column)s)"),
                code="bad_json",
                params={"line": error.lineno, "column": error.colno},
            ) from None

    def clean_url(self):
        address = self.cleaned_data.get("url", "").strip()
        if not address:
            return ""
        if "://" in address and not address.lower().startswith(("http://", "https://")):
            raise ValidationError(_("Give an address starting with https:// or http://"), code="scheme")
        try:
            URLValidator(schemes=["http", "https"])(address)
        except ValidationError:
            raise ValidationError(
                _("Enter a full web address, like https://example.org/api/services"), code="invalid"
            ) from None
        return address

    def clean(self):
        cleaned = super().clean()
        upload, address = cleaned.get("file"), cleaned.get("url")
        # A field with its own error already said what is wrong with it.
        if "file" in self.errors or "url" in self.errors:
            return cleaned
        if upload and address:
            self.add_error("url", _("Give a file or an address, not both"))
        elif not upload and not address:
            self.add_error("file", _("Choose a file to upload, or give the address of a feed"))
        return cleaned

    @property
    def source(self):
        """What to import: the uploaded file or the address."""
        return self.cleaned_data.get("file") or self.cleaned_data["url"]


def need_choices():
    """Waymark's needs as select options, broader needs first with their narrower ones after."""
    terms = list(
        TaxonomyTerm.objects.filter(taxonomy__name=NEEDS_TAXONOMY_NAME).exclude(slug="").select_related("parent")
    )
    by_parent = {}
    for term in terms:
        by_parent.setdefault(term.parent_id, []).append(term)
    choices = [("", _("Not mapped yet"))]

    def add(parent_id, path):
        for term in by_parent.get(parent_id, []):
            label = " › ".join([*path, term.name])
            choices.append((str(term.id), label))
            add(term.id, [*path, term.name])

    add(None, [])
    return choices


class NeedMappingForm(forms.Form):
    """One select per outside term: the Waymark need it means, or nothing yet.

    ``terms`` carry ``service_count``, the number of imported services using each.
    """

    def __init__(self, *args, terms, **kwargs):
        super().__init__(*args, **kwargs)
        self.terms = {str(term.id): term for term in terms}
        choices = need_choices()
        for term_id, term in self.terms.items():
            taxonomy = term.taxonomy.name if term.taxonomy_id else term.taxonomy_name
            self.fields[f"term_{term_id}"] = forms.ChoiceField(
                label=f"{term.name} ({taxonomy})" if taxonomy else term.name,
                help_text=ngettext(
                    "Used by %(count)d imported service.", "Used by %(count)d imported services.", term.service_count
                )
                % {"count": term.service_count},
                choices=choices,
                required=False,
                error_messages={"invalid_choice": _("Choose one of Waymark's needs")},
            )

    def mappings(self):
        """[(outside term, need id)] the editor chose, in the order shown."""
        return [
            (term, self.cleaned_data[f"term_{term_id}"])
            for term_id, term in self.terms.items()
            if self.cleaned_data.get(f"term_{term_id}")
        ]
