"""Who may open and use the case parts' pages: case roles of the case's organisation only.

Every page and action is tried as a caseworker (allowed), a volunteer of the same organisation,
a caseworker of another organisation, another organisation's safeguarding lead (all 404) and an
anonymous visitor (sent to sign in). Nothing changes for those refused.
"""

from django.test import override_settings

from waymark.accounts.models import Role
from waymark.audit.models import Event
from waymark.casework import parts
from waymark.casework.models import Attachment, CaseAction, ImmigrationMatter, NeedOutcome, PlanGoal
from waymark.casework.tests.part_helpers import make_case, upload
from waymark.testing import BaseTestCase, make_member


@override_settings(CASEWORK_ATTACHMENT_STORAGE="database")
class CasePartsAccessTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.other_lead = make_member("other-lead@example.org", cls.other_org, [Role.SAFEGUARDING_LEAD])

    def setUp(self):
        self.case = make_case(self.hub_org, by=self.caseworker)
        self.goal = parts.do_add_goal(self.case, acting_user=self.caseworker, description="Find a GP", need="health")
        self.matter = parts.do_add_matter(self.case, acting_user=self.caseworker, kind="asylum_claim")
        self.attachment = parts.do_add_attachment(self.case, acting_user=self.caseworker, uploaded_file=upload())
        base = f"/cases/{self.case.uuid}"
        self.pages = [
            f"{base}/plan/",
            f"{base}/plan/goals/{self.goal.uuid}/",
            f"{base}/plan/goals/{self.goal.uuid}/steps/add/",
            f"{base}/outcomes/",
            f"{base}/immigration/",
            f"{base}/immigration/{self.matter.uuid}/level/",
            f"{base}/immigration/{self.matter.uuid}/outcome/",
            f"{base}/attachments/",
            f"{base}/attachments/{self.attachment.uuid}/",
            f"{base}/attachments/{self.attachment.uuid}/delete/",
        ]
        self.actions = [
            (f"{base}/plan/", {"description": "Open a bank account"}),
            (f"{base}/plan/goals/{self.goal.uuid}/", {"description": "Changed", "status": "achieved"}),
            (f"{base}/plan/goals/{self.goal.uuid}/status/", {"status": "achieved"}),
            (f"{base}/plan/goals/{self.goal.uuid}/move/", {"direction": "down"}),
            (
                f"{base}/plan/goals/{self.goal.uuid}/steps/add/",
                {"description": "Ring the surgery", "owner": self.caseworker.pk},
            ),
            (f"{base}/outcomes/", {"outcome-need": "health", "outcome-outcome": "resolved"}),
            (f"{base}/immigration/", {"kind": "appeal"}),
            (f"{base}/immigration/{self.matter.uuid}/level/", {"level": 3, "reason": "Complex history"}),
            (f"{base}/immigration/{self.matter.uuid}/outcome/", {"outcome": "signposted"}),
            (f"{base}/attachments/", {"file": upload()}),
            (f"{base}/attachments/{self.attachment.uuid}/delete/", {}),
        ]

    def counts(self):
        return (
            PlanGoal.objects.count(),
            CaseAction.objects.count(),
            NeedOutcome.objects.count(),
            ImmigrationMatter.objects.filter(outcome="").count(),
            ImmigrationMatter.objects.count(),
            Attachment.objects.count(),
            list(PlanGoal.objects.order_by("position").values_list("id", flat=True)),
            Event.objects.count(),
        )

    def test_a_caseworker_opens_every_page(self):
        self.login(self.caseworker)
        for url in self.pages:
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 200)

    def test_a_caseworker_does_every_action(self):
        self.login(self.caseworker)
        for url, data in self.actions:
            with self.subTest(url=url):
                if "file" in data:
                    data = {"file": upload()}
                response = self.client.post(url, data)
                self.assertEqual(response.status_code, 302, response.content[:2000])
        self.goal.refresh_from_db()
        self.matter.refresh_from_db()
        self.assertEqual((self.goal.description, self.goal.status), ("Changed", "achieved"))
        # Moved below the goal added first.
        self.assertEqual([goal.description for goal in self.case.goals.all()], ["Open a bank account", "Changed"])
        self.assertEqual((self.matter.required_level, self.matter.outcome), (3, "signposted"))
        self.assertEqual(self.goal.steps.count(), 1)
        self.assertEqual(self.case.need_outcomes.count(), 1)
        self.assertEqual(self.case.immigration_matters.count(), 2)
        # One uploaded, the first one deleted.
        self.assertEqual(
            list(self.case.attachments.exclude(pk=self.attachment.pk).values_list("size", flat=True)),
            [len(upload().read())],
        )
        self.assertFalse(Attachment.objects.filter(pk=self.attachment.pk).exists())

    def test_the_coordinator_also_has_case_access(self):
        self.login(self.coordinator)
        for url in self.pages:
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 200)

    def assert_refused(self, user):
        self.login(user)
        before = self.counts()
        for url in self.pages:
            with self.subTest(user=user.email, url=url):
                self.assertEqual(self.client.get(url).status_code, 404)
        for url, data in self.actions:
            with self.subTest(user=user.email, url=url, method="post"):
                if "file" in data:
                    data = {"file": upload()}
                self.assertEqual(self.client.post(url, data).status_code, 404)
        self.assertEqual(self.counts(), before)

    def test_a_volunteer_of_the_same_organisation_gets_404(self):
        self.assert_refused(self.volunteer)

    def test_a_caseworker_of_another_organisation_gets_404(self):
        self.assert_refused(self.outsider)

    def test_another_organisations_safeguarding_lead_gets_404(self):
        self.assert_refused(self.other_lead)

    def test_an_anonymous_visitor_is_sent_to_sign_in(self):
        before = self.counts()
        for url in self.pages:
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 302)
                self.assertIn("login", response["Location"])
        for url, data in self.actions:
            with self.subTest(url=url, method="post"):
                response = self.client.post(url, data)
                self.assertEqual(response.status_code, 302)
                self.assertIn("login", response["Location"])
        self.assertEqual(self.counts(), before)

    def test_a_goal_or_matter_of_another_case_is_not_found_through_this_case(self):
        other_case = make_case(self.hub_org, by=self.caseworker, title="Another")
        self.login(self.caseworker)
        base = f"/cases/{other_case.uuid}"
        for url in (
            f"{base}/plan/goals/{self.goal.uuid}/",
            f"{base}/immigration/{self.matter.uuid}/level/",
            f"{base}/attachments/{self.attachment.uuid}/",
            f"{base}/attachments/{self.attachment.uuid}/delete/",
        ):
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 404)
