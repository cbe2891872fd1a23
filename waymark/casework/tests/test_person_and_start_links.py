"""The person page and the start page lead each member to the casework pages their roles open,
and to nothing else; an anonymised record is no longer anyone to find or change."""

from django.utils import timezone

from waymark.people.actions import do_register_person
from waymark.people.models import Person
from waymark.testing import BaseTestCase


class PersonPageLinkTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.person = do_register_person(
            cls.hub_org, acting_user=cls.caseworker, display_name="Amina", consent_how="spoken"
        )

    def person_page(self, user):
        self.login(user)
        response = self.client.get(f"/people/{self.person.uuid}/")
        self.assertEqual(response.status_code, 200)
        return response

    def links(self):
        uuid = self.person.uuid
        return {
            "assessments": f'href="/people/{uuid}/assessments/"',
            "assess": f'href="/people/{uuid}/assessments/new/"',
            "cases": f'href="/people/{uuid}/cases/"',
            "open_case": f'href="/people/{uuid}/cases/new/"',
            "concern": f'href="/people/{uuid}/concerns/new/"',
            "rights": f'href="/people/{uuid}/rights/"',
            "subject_access": f'href="/people/{uuid}/subject-access/"',
        }

    def assert_links(self, response, shown):
        for name, link in self.links().items():
            if name in shown:
                self.assertContains(response, link, msg_prefix=name)
            else:
                self.assertNotContains(response, link, msg_prefix=name)

    def test_a_volunteer_may_only_raise_a_concern(self):
        self.assert_links(self.person_page(self.volunteer), {"concern"})

    def test_a_caseworker_assesses_opens_cases_and_raises_concerns(self):
        self.assert_links(self.person_page(self.caseworker), {"assessments", "assess", "cases", "open_case", "concern"})

    def test_an_organisation_admin_also_reaches_the_persons_rights(self):
        response = self.person_page(self.coordinator)
        self.assert_links(response, {"assessments", "assess", "cases", "open_case", "concern", "rights"})

    def test_the_pages_linked_open_for_those_who_see_the_links(self):
        self.login(self.coordinator)
        for link in self.links().values():
            path = link.removeprefix('href="').removesuffix('"')
            self.assertEqual(self.client.get(path).status_code, 200, path)

    def test_an_outsider_sees_no_person_and_no_links(self):
        self.login(self.outsider)
        self.assertEqual(self.client.get(f"/people/{self.person.uuid}/").status_code, 404)

    def test_an_age_dispute_is_shown_to_those_who_see_the_details(self):
        Person.objects.filter(pk=self.person.pk).update(age_disputed=True, age_disputed_since=timezone.localdate())
        self.assertContains(self.person_page(self.caseworker), "Age disputed")
        self.assertNotContains(self.person_page(self.volunteer), "Age disputed")


class AnonymisedPersonTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.person = do_register_person(
            cls.hub_org, acting_user=cls.caseworker, display_name="Anonymised 1a2b", consent_how="spoken"
        )
        Person.objects.filter(pk=cls.person.pk).update(anonymised_at=timezone.now())

    def test_an_anonymised_record_is_not_among_the_recent_people(self):
        kept = do_register_person(self.hub_org, acting_user=self.caseworker, display_name="Amina", consent_how="spoken")
        self.login(self.caseworker)
        response = self.client.get("/people/")
        self.assertContains(response, str(kept.uuid))
        self.assertNotContains(response, str(self.person.uuid))

    def test_an_anonymised_record_cannot_be_changed(self):
        self.login(self.caseworker)
        response = self.client.post(f"/people/{self.person.uuid}/edit/", {"display_name": "Amina"})
        self.assertRedirects(response, f"/people/{self.person.uuid}/")
        self.person.refresh_from_db()
        self.assertEqual(self.person.display_name, "Anonymised 1a2b")


class StartPageCaseworkTests(BaseTestCase):
    def start_page(self, user):
        self.login(user)
        return self.client.get("/")

    def test_a_caseworker_reaches_their_caseload_and_raising_a_concern(self):
        response = self.start_page(self.caseworker)
        self.assertContains(response, 'href="/cases/mine/"')
        self.assertContains(response, 'href="/cases/overdue/"')
        self.assertNotContains(response, 'href="/cases/team/"')
        self.assertContains(response, 'href="/safeguarding/concerns/new/"')

    def test_a_coordinator_and_lead_reaches_the_team_caseload_and_the_concerns(self):
        response = self.start_page(self.coordinator)
        self.assertContains(response, 'href="/cases/team/"')
        self.assertContains(response, "Safeguarding concerns")
        self.assertContains(response, 'href="/safeguarding/"')

    def test_a_volunteer_has_no_caseload_but_may_raise_a_concern(self):
        response = self.start_page(self.volunteer)
        self.assertNotContains(response, 'href="/cases/mine/"')
        self.assertContains(response, 'href="/safeguarding/concerns/new/"')

    def test_someone_without_a_membership_sees_neither(self):
        response = self.start_page(self.editor)
        self.assertNotContains(response, 'href="/cases/mine/"')
        self.assertNotContains(response, 'href="/safeguarding/')
