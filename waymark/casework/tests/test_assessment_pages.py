"""The assessment pages: a new assessment, a person's history, one assessment with its prompts
and the risk-level form. Caseworkers (and coordinators, leads, admins) of the person's
organisation only: a volunteer of the same organisation, an outsider (another organisation's
caseworker and safeguarding lead) and a member with no role get 404; anonymous visitors are sent
to sign in. Every opening is logged."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from waymark.audit.models import Event, RecordAccess
from waymark.casework.assessments import do_record_assessment
from waymark.casework.models import Assessment, SafeguardingConcern
from waymark.casework.tests.assessment_helpers import AssessmentTestCase


def at(year, month, day):
    return dt.datetime(year, month, day, 11, 0, tzinfo=dt.UTC)


class PagesTestCase(AssessmentTestCase):
    def setUp(self):
        super().setUp()
        self.assessment = do_record_assessment(
            self.amina,
            acting_user=self.caseworker,
            needs=[("housing", "soon")],
            indicators=["pregnancy"],
            life_satisfaction=3,
            notes="Baby due in April.",
            assessed_at=at(2026, 1, 12),
        )
        self.urls = [
            reverse("casework:assessment_new", args=[self.amina.uuid]),
            reverse("casework:person_assessments", args=[self.amina.uuid]),
            reverse("casework:assessment", args=[self.assessment.uuid]),
        ]


class WhoMayOpenThem(PagesTestCase):
    def test_the_caseworker_and_the_coordinator_open_each_page_and_it_is_logged(self):
        for user in (self.caseworker, self.coordinator):
            self.login(user)
            for url in self.urls:
                self.assertEqual(self.client.get(url).status_code, 200, (user, url))
        whats = set(RecordAccess.objects.filter(person_uuid=self.amina.uuid).values_list("what", flat=True))
        self.assertTrue({"assessment_new", "assessments", "assessment"} <= whats)
        opened = RecordAccess.objects.filter(what="assessment", user=self.coordinator).get()
        self.assertEqual(opened.object_id, str(self.assessment.uuid))

    def test_a_volunteer_of_the_same_organisation_gets_404(self):
        self.login(self.volunteer)
        for url in self.urls:
            self.assertEqual(self.client.get(url).status_code, 404, url)
        self.assertEqual(self.client.post(self.urls[0], {"indicators": ["suicide_risk"]}).status_code, 404)
        self.assertEqual(self.client.post(self.urls[2], {"level": "high", "reason": "x"}).status_code, 404)
        self.assertEqual(Assessment.objects.count(), 1)

    def test_an_outsider_and_their_safeguarding_lead_get_404(self):
        # The outsider is a caseworker and the safeguarding lead of another organisation.
        self.login(self.outsider)
        for url in self.urls:
            self.assertEqual(self.client.get(url).status_code, 404, url)
        self.assertEqual(self.client.post(self.urls[0], {"indicators": ["suicide_risk"]}).status_code, 404)
        self.assertEqual(self.client.post(self.urls[2], {"level": "high", "reason": "x"}).status_code, 404)
        self.assertEqual(Assessment.objects.count(), 1)
        self.assertFalse(RecordAccess.objects.filter(user=self.outsider).exists())

    def test_a_member_with_no_role_gets_404(self):
        self.login(self.council)
        for url in self.urls:
            self.assertEqual(self.client.get(url).status_code, 404, url)

    def test_anonymous_visitors_are_sent_to_sign_in(self):
        for url in self.urls:
            response = self.client.get(url)
            self.assertEqual(response.status_code, 302)
            self.assertIn(reverse("account_login"), response["Location"])

    def test_the_outsider_opens_their_own_peoples_assessments(self):
        self.login(self.outsider)
        response = self.client.get(reverse("casework:person_assessments", args=[self.yusuf.uuid]))
        self.assertContains(response, "No assessment yet.")


class RecordingOne(PagesTestCase):
    def test_the_form_lists_the_support_package_first_and_the_indicators(self):
        self.login(self.caseworker)
        response = self.client.get(self.urls[0])
        content = response.content.decode()
        self.assertLess(content.index('name="need_immigration-advice"'), content.index('name="need_food"'))
        self.assertIn('value="suicide_risk"', content)
        self.assertIn('name="life_satisfaction"', content)

    def test_the_needs_are_named_in_the_interface_language(self):
        self.login(self.caseworker)
        response = self.client.get(f"/ar{self.urls[0]}")
        self.assertContains(response, "السكن والتشرد")
        history = self.client.get(f"/ar{self.urls[1]}")
        self.assertContains(history, "السكن والتشرد")

    def test_a_caseworker_records_an_assessment(self):
        self.login(self.caseworker)
        response = self.client.post(
            self.urls[0],
            {
                "need_housing": "immediate",
                "need_esol": "routine",
                "need_food": "",
                "indicators": ["destitution", "isolation"],
                "loneliness": "often",
                "life_satisfaction": "2",
                "anxiety": "8",
                "notes": "Sleeping at a friend's.",
            },
        )
        assessment = Assessment.objects.exclude(pk=self.assessment.pk).get()
        self.assertRedirects(response, reverse("casework:assessment", args=[assessment.uuid]))
        self.assertEqual(assessment.assessed_by, self.caseworker)
        self.assertEqual(
            sorted(assessment.needs.values_list("need", "urgency")), [("esol", "routine"), ("housing", "immediate")]
        )
        self.assertEqual(assessment.indicators, ["destitution", "isolation"])
        self.assertEqual((assessment.loneliness, assessment.life_satisfaction, assessment.anxiety), ("often", 2, 8))
        self.assertEqual(assessment.notes, "Sleeping at a friend's.")
        self.assertEqual(assessment.derived_risk_level, "high")
        self.assertFalse(SafeguardingConcern.objects.exists())

    def test_bad_answers_show_the_error_summary(self):
        self.login(self.caseworker)
        response = self.client.post(self.urls[0], {"need_housing": "whenever", "life_satisfaction": "11"})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "There is a problem", status_code=400)
        self.assertContains(response, 'href="#id_life_satisfaction"', status_code=400)
        self.assertContains(
            response, 'aria-describedby="id_life_satisfaction_helptext id_life_satisfaction_error"', status_code=400
        )
        self.assertEqual(Assessment.objects.count(), 1)

    def test_suicide_risk_raises_a_concern_and_the_page_says_so_with_a_link(self):
        self.login(self.caseworker)
        response = self.client.post(self.urls[0], {"indicators": ["suicide_risk"]}, follow=True)
        concern = SafeguardingConcern.objects.get()
        self.assertEqual(
            (concern.category, concern.urgency, concern.source), ("suicide_self_harm", "immediate", "assessment")
        )
        self.assertContains(
            response, "a safeguarding concern was raised and the organisation’s safeguarding leads were told"
        )
        self.assertContains(response, reverse("casework:concern", args=[concern.uuid]))

    def test_another_caseworker_sees_that_a_concern_was_raised_but_no_link_to_it(self):
        do_record_assessment(self.amina, acting_user=self.coordinator, indicators=["suicide_risk"])
        concern = SafeguardingConcern.objects.get()
        other = Assessment.objects.get(concerns=concern)
        self.login(self.caseworker)
        response = self.client.get(reverse("casework:assessment", args=[other.uuid]))
        self.assertContains(response, "a safeguarding concern was raised")
        self.assertNotContains(response, reverse("casework:concern", args=[concern.uuid]))

    def test_under_18_in_adult_accommodation_is_flagged_and_the_page_says_so(self):
        self.live_in(self.amina, "initial_accommodation")
        self.login(self.caseworker)
        response = self.client.post(self.urls[0], {"indicators": ["under_18"]}, follow=True)
        self.amina.refresh_from_db()
        self.assertTrue(self.amina.age_disputed)
        self.assertEqual(self.amina.date_of_birth, dt.date(2001, 5, 4))
        self.assertEqual(SafeguardingConcern.objects.get().category, "child_protection")
        self.assertContains(response, "flagged “age disputed”")
        self.assertContains(response, "children’s services")

    def test_trafficking_shows_the_route_for_an_organisation_that_is_not_a_first_responder(self):
        self.login(self.caseworker)
        response = self.client.post(self.urls[0], {"indicators": ["trafficking"]}, follow=True)
        self.assertContains(response, "is not an NRM First Responder")
        self.assertContains(response, "0800 0121 700")
        self.assertContains(response, "Salvation Army")
        self.assertEqual(SafeguardingConcern.objects.get().category, "modern_slavery")

    def test_trafficking_shows_the_route_for_a_first_responder(self):
        self.hub_org.is_nrm_first_responder = True
        self.hub_org.save()
        self.login(self.caseworker)
        response = self.client.post(self.urls[0], {"indicators": ["trafficking"]}, follow=True)
        self.assertContains(response, "can refer to the NRM itself")
        self.assertContains(response, "Duty to Notify")
        self.assertNotContains(response, "0800 0121 700")


class TheAssessmentPage(PagesTestCase):
    def test_it_shows_the_answers_and_notes(self):
        self.login(self.caseworker)
        response = self.client.get(self.urls[2])
        self.assertContains(response, "Housing")
        self.assertContains(response, "Pregnant or has a new baby")
        self.assertContains(response, "Baby due in April.")
        self.assertContains(response, "3 / 10")

    def test_a_caseworker_changes_the_risk_level_with_a_reason(self):
        self.login(self.caseworker)
        response = self.client.post(self.urls[2], {"level": "high", "reason": "Partner has been violent"})
        self.assertRedirects(response, self.urls[2])
        self.assessment.refresh_from_db()
        self.assertEqual((self.assessment.risk_level, self.assessment.derived_risk_level), ("high", "medium"))
        self.assertEqual(self.assessment.override_reason, "Partner has been violent")
        self.assertTrue(Event.objects.filter(action="casework.assessment_risk_level_changed").exists())
        page = self.client.get(self.urls[2])
        self.assertContains(page, "changed by the caseworker; the answers gave Medium")
        self.assertContains(page, "Partner has been violent")

    def test_without_a_reason_it_is_refused(self):
        self.login(self.caseworker)
        response = self.client.post(self.urls[2], {"level": "high", "reason": ""})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "There is a problem", status_code=400)
        self.assessment.refresh_from_db()
        self.assertEqual(self.assessment.risk_level_override, "")


class TheHistory(PagesTestCase):
    def test_it_shows_how_needs_risk_and_scores_changed(self):
        do_record_assessment(
            self.amina,
            acting_user=self.caseworker,
            needs=[("housing", "immediate"), ("esol", "routine")],
            indicators=["pregnancy", "destitution"],
            life_satisfaction=6,
            loneliness="sometimes",
            assessed_at=at(2026, 3, 2),
        )
        self.login(self.caseworker)
        response = self.client.get(self.urls[1])
        content = response.content.decode()
        self.assertLess(content.index("2 March 2026"), content.index("12 January 2026"))
        self.assertIn("New need: English language (ESOL)", content)
        self.assertIn("Housing and homelessness: Soon: this week → Immediate: today", content)
        self.assertIn("was Medium", content)
        self.assertIn("Overall, how satisfied are you with your life nowadays?: 3 → 6", content)
        self.assertIn("How often do you feel lonely?: – → Some of the time", content)
        # Notes are on each assessment's own page, not in the history.
        self.assertNotIn("Baby due in April.", content)

    def test_it_asks_the_same_queries_however_many_assessments(self):
        self.login(self.caseworker)
        self.client.get(self.urls[1])
        with CaptureQueriesContext(connection) as one:
            self.client.get(self.urls[1])
        for day in range(2, 8):
            do_record_assessment(
                self.amina,
                acting_user=self.coordinator,
                needs=[("food", "soon"), ("housing", "routine")],
                happiness=day,
                assessed_at=at(2026, 2, day),
            )
        with self.assertNumQueries(len(one.captured_queries)):
            response = self.client.get(self.urls[1])
        self.assertContains(response, "7 February 2026")
