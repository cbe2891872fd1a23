"""Small builders for the case parts' tests."""

from django.core.files.uploadedfile import SimpleUploadedFile

from waymark.casework.models import Case
from waymark.people.tests.helpers import make_person

PDF_BYTES = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\nHome Office reference HO-1234567 for Amina Rahimi\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40


def make_case(organisation, *, by, owner=None, person=None, title="Move-on support"):
    """A case opened for a person of ``organisation`` (registered by ``by``)."""
    person = person or make_person(organisation, "Amina", by=by)
    return Case.objects.create(organisation=organisation, person=person, title=title, owner=owner or by, opened_by=by)


def upload(name="decision-letter.pdf", content=PDF_BYTES, content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)
