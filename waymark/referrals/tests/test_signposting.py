"""do_signpost: recording that someone was told about a service on the map."""

from django.core.exceptions import ValidationError

from waymark.audit.models import Event
from waymark.directory.models import Service
from waymark.directory.tests.builders import make_organization, make_service
from waymark.people.tests.helpers import make_person
from waymark.referrals.actions import do_signpost
from waymark.referrals.models import Signposting
from waymark.testing import BaseTestCase


class SignpostTests(BaseTestCase):
    def setUp(self):
        self.clinic = make_service("Thursday legal clinic", organization=make_organization("Medlock"))
        self.amina = make_person(self.hub_org, "Amina Yusuf", by=self.volunteer)

    def test_it_records_a_signposting_with_an_encrypted_note_and_one_audit_event(self):
        signposting = do_signpost(
            organisation=self.hub_org,
            service=self.clinic,
            person=self.amina,
            note="  Thursdays at two  ",
            acting_user=self.volunteer,
        )
        self.assertEqual(signposting.note, "Thursdays at two")
        self.assertEqual((signposting.organisation, signposting.recorded_by), (self.hub_org, self.volunteer))
        event = Event.objects.get(action="signposting.recorded")
        self.assertEqual(event.object_id, str(signposting.uuid))
        self.assertNotIn("Thursdays", str(event.details))
        self.assertNotIn("Amina", str(event.details))

    def test_someone_not_registered_can_be_signposted(self):
        signposting = do_signpost(organisation=self.hub_org, service=self.clinic, acting_user=self.volunteer)
        self.assertIsNone(signposting.person)

    def test_it_refuses_a_person_of_another_organisation(self):
        stranger = make_person(self.other_org, "Stranger", by=self.outsider)
        with self.assertRaises(ValidationError):
            do_signpost(organisation=self.hub_org, service=self.clinic, person=stranger, acting_user=self.volunteer)
        self.assertFalse(Signposting.objects.exists())

    def test_it_refuses_a_service_that_is_no_longer_running(self):
        self.clinic.status = Service.Status.DEFUNCT
        self.clinic.save()
        with self.assertRaises(ValidationError):
            do_signpost(organisation=self.hub_org, service=self.clinic, person=self.amina, acting_user=self.volunteer)


class SignpostingAdminTests(BaseTestCase):
    def test_the_admin_lists_signposting_without_people_or_notes(self):
        amina = make_person(self.hub_org, "Amina Yusuf", by=self.volunteer)
        clinic = make_service("Thursday legal clinic", organization=make_organization("Medlock"))
        signposting = do_signpost(
            organisation=self.hub_org, service=clinic, person=amina, note="Secret note", acting_user=self.volunteer
        )
        self.login(self.admin)
        listing = self.client.get("/admin/referrals/signposting/")
        self.assertContains(listing, "Thursday legal clinic")
        page = self.client.get(f"/admin/referrals/signposting/{signposting.pk}/change/")
        self.assertEqual(page.status_code, 200)
        self.assertNotContains(page, "Amina")
        self.assertNotContains(page, "Secret note")
