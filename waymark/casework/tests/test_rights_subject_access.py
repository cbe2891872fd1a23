import base64
import datetime as dt
import json

from django.utils import translation
from django.utils.translation import gettext

from waymark.accounts.models import Role
from waymark.audit.models import Event, RecordAccess
from waymark.casework.tests.rights_builders import make_concern, make_full_record, mark
from waymark.hubs.tests.helpers import HubTestCase
from waymark.people.actions import relations_to_person
from waymark.people.models import LegalHold
from waymark.people.tests.helpers import make_person
from waymark.testing import make_member

# Every part of a person's record the copy must hold, by the marker its text carries.
PARTS = [
    "fullname",
    "child",
    "visit",
    "signposting",
    "assessment",
    "override",
    "title",
    "note",
    "goal",
    "action",
    "outcome",
    "matter",
    "letter",
    "attachment-title",
    "concern",
    "concern-outcome",
    "escalation",
    "escalation-team",
    "no-consent",
    "hold",
    "hold-lifted",
]


class SubjectAccessTestCase(HubTestCase):
    def setUp(self):
        self.generate()
        self.session = self.session_on(dt.date(2026, 3, 3))
        self.person, self.records = make_full_record(self.hub_org, self.session, by=self.coordinator)
        self.other, _records = make_full_record(self.hub_org, self.session, by=self.coordinator, who="other")
        self.page = f"/people/{self.person.uuid}/subject-access/"
        self.json_url = f"/people/{self.person.uuid}/subject-access.json"

    def download(self, user=None, query=""):
        self.login(user or self.coordinator)
        response = self.client.get(self.json_url + query)
        self.assertEqual(response.status_code, 200)
        return response, json.loads(response.content)


class CompletenessTests(SubjectAccessTestCase):
    def test_it_holds_one_of_every_kind_of_record_and_nothing_of_anyone_else(self):
        response, data = self.download()
        text = response.content.decode()
        for part in PARTS:
            with self.subTest(part=part):
                self.assertIn(mark(part, "amina"), text)
                self.assertNotIn(mark(part, "other"), text)
        self.assertEqual(data["person"]["phone"], "+447700900123")
        self.assertEqual(data["person"]["date_of_birth"], "1990-04-17")
        self.assertEqual(len(data["visits"]), 1)
        visit = data["visits"][0]
        self.assertEqual(visit["hub"], "Bolton Hub")
        self.assertTrue(visit["given"])
        self.assertEqual(len(data["journey"]), 1)
        self.assertTrue(any(consent["purpose"] for consent in data["consents"]))
        assessment = data["assessments"][0]
        # Labels are in the person's language (they speak Arabic).
        with translation.override("ar"):
            soon, lonely = gettext("Soon: this week"), gettext("Isolated or lonely")
        self.assertNotEqual(soon, "Soon: this week")
        self.assertEqual(assessment["needs"][0]["urgency"], soon)
        self.assertEqual(assessment["life_satisfaction"], 3)
        self.assertEqual(assessment["vulnerability_indicators"], [lonely])
        case = data["cases"][0]
        self.assertEqual(case["attachments"][0]["size_bytes"], 17)
        self.assertNotIn("content_base64", case["attachments"][0])
        self.assertTrue(data["safeguarding_concerns"]["review_required"])
        self.assertEqual(len(data["safeguarding_concerns"]["items"][0]["escalations"]), 1)
        self.assertEqual(len(data["legal_holds"]), 1)
        # The opening for this very copy is in the access log.
        self.assertIn("subject_access", [entry["what"] for entry in data["record_access_log"]])

    def test_every_kind_of_record_about_a_person_is_covered(self):
        # A new foreign key to Person must be added to the copy (and to anonymisation) before
        # this passes again. The name-word search index only repeats the display name.
        covered = {
            "casework.assessment.person",
            "casework.case.person",
            "casework.safeguardingconcern.person",
            "hubs.visit.person",
            "people.consent.person",
            "people.householdmember.person",
            "people.journeyrecord.person",
            "people.legalhold.person",
            "people.person.merged_into",
            "people.personnameword.person",
            "referrals.referral.person",
            "referrals.signposting.person",
        }
        found = {f"{model._meta.label_lower}.{field.name}" for model, field in relations_to_person()}
        self.assertEqual(found, covered)

    def test_the_files_themselves_come_with_files_1(self):
        _response, data = self.download(query="?files=1")
        content = data["cases"][0]["attachments"][0]["content_base64"]
        self.assertEqual(base64.b64decode(content), b"%PDF-1.4 letter")

    def test_it_is_a_download_audited_and_logged(self):
        response, _data = self.download()
        self.assertEqual(response["Content-Type"], "application/json")
        self.assertTrue(response["Content-Disposition"].startswith("attachment; filename="))
        self.assertIn(self.person.reference, response["Content-Disposition"])
        event = Event.objects.get(action="people.subject_access")
        self.assertEqual(event.object_id, str(self.person.uuid))
        self.assertEqual(event.details, {"form": "json"})
        self.assertNotIn("MARK", json.dumps(event.details))
        self.assertTrue(
            RecordAccess.objects.filter(person_uuid=self.person.uuid, what="subject_access", user=self.coordinator)
        )

    def test_the_page_shows_every_part_too(self):
        self.login(self.coordinator)
        response = self.client.get(self.page)
        self.assertEqual(response.status_code, 200)
        text = response.content.decode()
        for part in PARTS:
            with self.subTest(part=part):
                self.assertIn(mark(part, "amina"), text)
                self.assertNotIn(mark(part, "other"), text)
        self.assertEqual(Event.objects.get(action="people.subject_access").details, {"form": "page"})


class LanguageTests(SubjectAccessTestCase):
    def test_the_page_is_in_their_language(self):
        # Registered with languages ["ar"] and no contact language.
        self.login(self.coordinator)
        response = self.client.get(self.page)
        self.assertContains(response, '<html lang="ar" dir="rtl">')

    def test_the_contact_language_comes_first(self):
        self.person.contact_language = "ti"
        self.person.save()
        _response, data = self.download()
        self.assertEqual(data["language"], "ti")

    def test_a_language_without_an_interface_gives_english(self):
        self.person.languages = ["so"]
        self.person.save()
        self.login(self.coordinator)
        response = self.client.get(self.page)
        self.assertContains(response, '<html lang="en" dir="ltr">')

    def test_staff_may_choose_another_interface_language(self):
        self.login(self.coordinator)
        response = self.client.get(self.page + "?language=fr")
        self.assertContains(response, '<html lang="fr" dir="ltr">')
        _response, data = self.download(query="?language=uk")
        self.assertEqual(data["language"], "uk")


class SafeguardingPartTests(SubjectAccessTestCase):
    def test_a_coordinator_who_is_not_a_lead_gets_the_count_not_the_concerns(self):
        coordinator = make_member("coordinator2@example.org", self.hub_org, [Role.COORDINATOR])
        make_concern(self.person, by=self.coordinator, who="second")
        response, data = self.download(coordinator)
        self.assertNotIn(mark("concern", "amina"), response.content.decode())
        self.assertEqual(data["safeguarding_concerns"]["withheld_for_the_safeguarding_lead"], 2)
        self.assertEqual(data["safeguarding_concerns"]["items"], [])
        # Everything else is there.
        self.assertIn(mark("note", "amina"), response.content.decode())

    def test_the_page_tells_staff_to_have_the_lead_review_it_and_does_not_print_that(self):
        self.login(self.coordinator)
        response = self.client.get(self.page)
        self.assertContains(response, "the safeguarding lead must review the safeguarding part")
        self.assertContains(response, '<div class="no-print">')


class AccessTests(SubjectAccessTestCase):
    def test_organisation_admins_and_coordinators_may(self):
        coordinator = make_member("coordinator2@example.org", self.hub_org, [Role.COORDINATOR])
        for user in (self.coordinator, coordinator):
            self.login(user)
            for url in (self.page, self.json_url):
                with self.subTest(user=user.email, url=url):
                    self.assertEqual(self.client.get(url).status_code, 200)

    def test_other_roles_of_the_organisation_and_other_organisations_get_404(self):
        other_admin = make_member("admin@kersal.example.org", self.other_org, [Role.ORGANISATION_ADMIN])
        lead = make_member("lead@example.org", self.hub_org, [Role.SAFEGUARDING_LEAD])
        for user in (self.volunteer, self.caseworker, lead, self.outsider, other_admin, self.partner):
            self.login(user)
            for url in (self.page, self.json_url):
                with self.subTest(user=user.email, url=url):
                    self.assertEqual(self.client.get(url).status_code, 404)
        self.assertFalse(Event.objects.filter(action="people.subject_access").exists())

    def test_anonymous_is_sent_to_sign_in(self):
        for url in (self.page, self.json_url):
            response = self.client.get(url)
            self.assertEqual(response.status_code, 302)
            self.assertIn("/accounts/login/", response["Location"])

    def test_someone_of_another_organisation_is_not_there(self):
        stranger = make_person(self.other_org, "Stranger", by=self.outsider)
        self.login(self.coordinator)
        self.assertEqual(self.client.get(f"/people/{stranger.uuid}/subject-access.json").status_code, 404)

    def test_an_active_hold_is_listed(self):
        LegalHold.objects.create(
            person=self.person, reason="Ongoing appeal", review_on=dt.date(2027, 6, 1), placed_by=self.coordinator
        )
        _response, data = self.download()
        self.assertEqual(len(data["legal_holds"]), 2)
