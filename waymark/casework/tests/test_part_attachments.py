"""Attachments: limits checked by content, encrypted at rest in the database or in a storage,
downloaded only through the access function with safe headers, deleted with their bytes."""

import io
import zipfile

from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.db import connection
from django.test import override_settings

from waymark.audit.models import Event, RecordAccess
from waymark.casework import parts
from waymark.casework.models import Attachment
from waymark.casework.tests.part_helpers import PDF_BYTES, PNG_BYTES, make_case, upload
from waymark.testing import BaseTestCase

IN_MEMORY = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "case_files": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
}


def docx_bytes():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document>Amina</w:document>")
    return buffer.getvalue()


def raw_row(attachment):
    with connection.cursor() as cursor:
        cursor.execute("SELECT data, filename, title FROM casework_attachment WHERE id = %s", [attachment.pk])
        data, filename, title = cursor.fetchone()
    return (bytes(data) if data is not None else None), filename, title


@override_settings(CASEWORK_ATTACHMENT_STORAGE="database", CASEWORK_ATTACHMENT_MAX_BYTES=2000)
class AttachmentUploadTestCase(BaseTestCase):
    def setUp(self):
        self.case = make_case(self.hub_org, by=self.caseworker)
        self.url = f"/cases/{self.case.uuid}/attachments/"
        self.login(self.caseworker)

    def test_a_caseworker_uploads_a_letter_encrypted_in_the_database(self):
        response = self.client.post(
            self.url, {"file": upload("HO-decision-Rahimi.pdf"), "title": "Asylum decision for Amina"}
        )
        self.assertRedirects(response, self.url, fetch_redirect_response=False)
        attachment = self.case.attachments.get()
        self.assertEqual(
            (attachment.content_type, attachment.size, attachment.filename, attachment.uploaded_by),
            ("application/pdf", len(PDF_BYTES), "HO-decision-Rahimi.pdf", self.caseworker),
        )
        self.assertEqual(attachment.storage_key, "")
        data, filename, title = raw_row(attachment)
        self.assertNotIn(b"Amina", data)
        self.assertNotIn(b"HO-1234567", data)
        self.assertNotIn(b"%PDF", data)
        self.assertNotIn("Rahimi", filename)
        self.assertNotIn("Amina", title)
        self.assertEqual(parts.attachment_content(attachment), PDF_BYTES)
        event = Event.objects.get(action="attachment.added")
        self.assertEqual(
            event.details,
            {
                "case": str(self.case.uuid),
                "person": str(self.case.person.uuid),
                "content_type": "application/pdf",
                "size": len(PDF_BYTES),
            },
        )
        # The list shows it, with the name decrypted for the caseworker.
        self.assertContains(self.client.get(self.url), "HO-decision-Rahimi.pdf")

    def test_a_file_over_the_limit_is_refused(self):
        response = self.client.post(self.url, {"file": upload("big.pdf", b"%PDF-" + b"x" * 2000)})
        self.assertContains(response, "The file is too big: the largest allowed is 2.0\xa0KB", status_code=400)
        self.assertFalse(Attachment.objects.exists())

    def test_the_upload_stops_being_read_past_the_limit(self):
        # Larger than one chunk: the size limit handler skips the rest of the file.
        response = self.client.post(self.url, {"file": upload("big.pdf", b"%PDF-" + b"x" * 200_000)})
        self.assertContains(response, "The file is too big", status_code=400)
        self.assertNotContains(response, "Choose a file to upload", status_code=400)
        self.assertFalse(Attachment.objects.exists())

    def test_the_action_checks_the_limit_too(self):
        with self.assertRaises(ValidationError) as refused:
            parts.do_add_attachment(
                self.case, acting_user=self.caseworker, uploaded_file=upload("big.pdf", b"%PDF-" + b"x" * 2000)
            )
        self.assertEqual(refused.exception.error_dict["file"][0].message[:20], "The file is too big:")

    def test_the_upload_is_still_protected_against_forged_requests(self):
        client = self.client_class(enforce_csrf_checks=True)
        client.force_login(self.caseworker)
        session = client.session
        session["mfa_set_up"] = True
        session.save()
        self.assertEqual(client.post(self.url, {"file": upload()}).status_code, 403)
        self.assertFalse(Attachment.objects.exists())

    def test_a_file_exactly_at_the_limit_is_accepted(self):
        response = self.client.post(self.url, {"file": upload("full.pdf", b"%PDF-" + b"x" * 1995)})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(self.case.attachments.get().size, 2000)

    def test_the_type_is_told_by_content_not_by_name(self):
        for name, content in (
            ("letter.pdf", b"MZ\x90\x00\x03\x00\x00\x00 a program"),
            ("photo.jpg", b"<html><script>alert(1)</script>\x00"),
            ("notes.docx", b"PK\x03\x04 a zip that is not a Word document"),
        ):
            with self.subTest(name=name):
                response = self.client.post(self.url, {"file": upload(name, content)})
                self.assertContains(response, "Upload a PDF, a photo", status_code=400)
        self.assertFalse(Attachment.objects.exists())

    def test_a_name_that_does_not_match_the_content_is_refused(self):
        response = self.client.post(self.url, {"file": upload("photo.png", PDF_BYTES)})
        self.assertContains(response, "does not match what it contains", status_code=400)
        self.assertFalse(Attachment.objects.exists())

    def test_each_allowed_type_is_recognised(self):
        heic = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 20
        for name, content, content_type in (
            ("scan.PDF", PDF_BYTES, "application/pdf"),
            ("photo.jpeg", b"\xff\xd8\xff\xe0\x00\x10JFIF" + b"\x00" * 20, "image/jpeg"),
            ("photo.png", PNG_BYTES, "image/png"),
            ("IMG_0001.HEIC", heic, "image/heic"),
            ("notes.txt", "Rendez-vous à 10h — ملاحظات\n".encode(), "text/plain"),
            (
                "statement.docx",
                docx_bytes(),
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            ),
        ):
            with self.subTest(name=name):
                response = self.client.post(self.url, {"file": upload(name, content, "application/octet-stream")})
                self.assertEqual(response.status_code, 302)
                self.assertEqual(self.case.attachments.order_by("-id").first().content_type, content_type)

    def test_an_empty_file_is_refused(self):
        response = self.client.post(self.url, {"file": upload("empty.txt", b"")})
        self.assertContains(response, "The file is empty", status_code=400)

    def test_no_file_is_explained(self):
        response = self.client.post(self.url, {"title": "Letter"})
        self.assertContains(response, "Choose a file to upload", status_code=400)

    def test_the_form_posts_multipart(self):
        self.assertContains(self.client.get(self.url), 'enctype="multipart/form-data"')


@override_settings(CASEWORK_ATTACHMENT_STORAGE="database")
class AttachmentDownloadTestCase(BaseTestCase):
    def setUp(self):
        self.case = make_case(self.hub_org, by=self.caseworker)
        self.attachment = parts.do_add_attachment(
            self.case, acting_user=self.caseworker, uploaded_file=upload("Décision HO.pdf")
        )
        self.url = f"/cases/{self.case.uuid}/attachments/{self.attachment.uuid}/"

    def test_it_is_served_as_a_private_download(self):
        self.login(self.caseworker)
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content, PDF_BYTES)
        self.assertEqual(response["Content-Type"], "application/pdf")
        self.assertTrue(response["Content-Disposition"].startswith("attachment;"))
        self.assertIn("D%C3%A9cision%20HO.pdf", response["Content-Disposition"])
        self.assertEqual(response["X-Content-Type-Options"], "nosniff")
        cache_control = response["Cache-Control"]
        self.assertIn("private", cache_control)
        self.assertIn("no-store", cache_control)

    def test_the_download_is_logged(self):
        self.login(self.caseworker)
        self.client.get(self.url)
        access = RecordAccess.objects.get(what="attachment")
        self.assertEqual(
            (access.user, access.organisation, access.person_uuid, access.object_id),
            (self.caseworker, self.hub_org, self.case.person.uuid, str(self.attachment.uuid)),
        )

    def test_those_without_case_access_get_404_and_nothing_is_logged(self):
        for user in (self.volunteer, self.outsider):
            with self.subTest(user=user.email):
                self.login(user)
                self.assertEqual(self.client.get(self.url).status_code, 404)
        self.assertFalse(RecordAccess.objects.filter(what="attachment").exists())

    def test_deleting_removes_the_bytes(self):
        self.login(self.caseworker)
        response = self.client.get(f"{self.url}delete/")
        self.assertContains(response, "Delete Décision HO.pdf")
        response = self.client.post(f"{self.url}delete/")
        self.assertRedirects(response, f"/cases/{self.case.uuid}/attachments/", fetch_redirect_response=False)
        self.assertFalse(Attachment.objects.filter(pk=self.attachment.pk).exists())
        self.assertEqual(self.client.get(self.url).status_code, 404)
        event = Event.objects.get(action="attachment.deleted")
        self.assertEqual(event.object_id, str(self.attachment.uuid))


@override_settings(STORAGES=IN_MEMORY, CASEWORK_ATTACHMENT_STORAGE="case_files")
class AttachmentObjectStorageTestCase(BaseTestCase):
    def setUp(self):
        self.case = make_case(self.hub_org, by=self.caseworker)
        self.login(self.caseworker)

    def test_it_is_stored_encrypted_under_a_random_key_and_served_back(self):
        response = self.client.post(f"/cases/{self.case.uuid}/attachments/", {"file": upload("Rahimi-refusal.pdf")})
        self.assertEqual(response.status_code, 302)
        attachment = self.case.attachments.get()
        self.assertTrue(attachment.storage_key.startswith("casework/attachments/"))
        self.assertNotIn("Rahimi", attachment.storage_key)
        data, _filename, _title = raw_row(attachment)
        self.assertIsNone(data)
        storage = storages["case_files"]
        with storage.open(attachment.storage_key, "rb") as stored:
            stored_bytes = stored.read()
        self.assertNotIn(b"Amina", stored_bytes)
        self.assertNotIn(b"%PDF", stored_bytes)

        response = self.client.get(f"/cases/{self.case.uuid}/attachments/{attachment.uuid}/")
        self.assertEqual(response.content, PDF_BYTES)

    def test_deleting_removes_the_stored_object_once_committed(self):
        attachment = parts.do_add_attachment(self.case, acting_user=self.caseworker, uploaded_file=upload())
        storage = storages["case_files"]
        self.assertTrue(storage.exists(attachment.storage_key))
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(f"/cases/{self.case.uuid}/attachments/{attachment.uuid}/delete/")
        self.assertEqual(response.status_code, 302)
        self.assertFalse(storage.exists(attachment.storage_key))

    def test_a_refused_upload_leaves_nothing_in_storage(self):
        storage = storages["case_files"]
        self.client.post(f"/cases/{self.case.uuid}/attachments/", {"file": upload("x.pdf", b"not a pdf \x00")})
        self.assertEqual(storage.listdir("")[1], [])
        self.assertFalse(Attachment.objects.exists())
