"""Visitor feedback: the public form (no account, no cookie, small, every language, right to
left), its checks and rate limit; the poster with its QR code and the team's page of answers."""

import base64

import segno
from django.core.cache import cache
from django.utils import translation

from waymark.audit.models import Event
from waymark.hubs.feedback_views import RATE_LIMIT
from waymark.hubs.models import VisitorFeedback
from waymark.hubs.tests.helpers import HubTestCase

PAGE_BUDGET = 30 * 1024
VALID = {
    "welcome": "5",
    "what_helped": " The tea and the advice. ",
    "what_is_missing": "",
    "loneliness": "occasionally",
}


class FeedbackTestCase(HubTestCase):
    def setUp(self):
        cache.clear()
        # A request to an /ar/ page leaves Arabic active in this thread: start and end in English.
        translation.deactivate()
        self.addCleanup(translation.deactivate)

    def url(self, prefix=""):
        return f"{prefix}/hubs/{self.hub.uuid}/feedback/"

    def assert_no_visitor_cookie(self, response):
        self.assertNotIn("sessionid", response.cookies)
        self.assertFalse(any("session" in name for name in self.client.cookies))


class ItTakesFeedbackFromAnyone(FeedbackTestCase):
    def test_it_shows_the_form_without_script_and_small(self):
        response = self.client.get(self.url())
        self.assertContains(response, "How was it at Bolton Hub?")
        self.assertContains(response, "How welcome did you feel?")
        self.assertContains(response, "Often or always")
        self.assertContains(response, "How often do you feel lonely? (optional)")
        self.assertNotContains(response, "<script")
        self.assertLess(len(response.content), PAGE_BUDGET)
        self.assert_no_visitor_cookie(response)

    def test_it_speaks_every_language_right_to_left_where_it_should(self):
        for code, direction in (("ar", "rtl"), ("fa", "rtl"), ("ps", "rtl"), ("ckb", "rtl"), ("ur", "rtl")):
            response = self.client.get(self.url(f"/{code}"))
            self.assertContains(response, f'<html lang="{code}" dir="{direction}">')
            self.assertLess(len(response.content), PAGE_BUDGET, code)
        for code in ("ti", "am", "fr", "uk"):
            response = self.client.get(self.url(f"/{code}"))
            self.assertContains(response, f'<html lang="{code}" dir="ltr">')
            self.assertLess(len(response.content), PAGE_BUDGET, code)

    def test_it_records_the_answers_anonymously_and_thanks(self):
        response = self.client.post(self.url(), VALID)
        self.assertRedirects(response, f"/hubs/{self.hub.uuid}/feedback/thanks/", fetch_redirect_response=False)
        feedback = VisitorFeedback.objects.get()
        self.assertEqual(feedback.hub, self.hub)
        self.assertEqual(feedback.welcome, 5)
        self.assertEqual(feedback.what_helped, "The tea and the advice.")
        self.assertEqual(feedback.loneliness, "occasionally")
        self.assertEqual(feedback.language, "en")
        event = Event.objects.get(action="hubs.visitor_feedback_given")
        self.assertIsNone(event.actor)
        self.assertEqual(event.details, {"hub": str(self.hub.uuid)})
        self.assert_no_visitor_cookie(response)
        thanks = self.client.get(response.url)
        self.assertContains(thanks, "We have passed your answers on to the people who run Bolton Hub.")

    def test_it_records_the_language_of_the_page(self):
        response = self.client.post(self.url("/ar"), {"welcome": "4"})
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response.url.startswith("/ar/hubs/"))
        self.assertEqual(VisitorFeedback.objects.get().language, "ar")

    def test_the_lonely_question_is_optional(self):
        self.client.post(self.url(), {"welcome": "3"})
        self.assertEqual(VisitorFeedback.objects.get().loneliness, "")

    def test_it_explains_what_is_wrong(self):
        response = self.client.post(self.url(), {"welcome": "", "loneliness": "always", "what_is_missing": "x" * 1001})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "There is a problem")
        self.assertContains(response, "Say how welcome you felt")
        self.assertContains(response, "Choose one of the answers")
        self.assertContains(response, "Write at most 1000 characters")
        self.assertContains(response, "<title>Error:", count=1)
        self.assertFalse(VisitorFeedback.objects.exists())

    def test_it_refuses_an_answer_off_the_scale(self):
        response = self.client.post(self.url(), {"welcome": "9"})
        self.assertContains(response, "Say how welcome you felt")
        self.assertFalse(VisitorFeedback.objects.exists())

    def test_it_limits_how_much_one_client_sends(self):
        for _ in range(RATE_LIMIT):
            self.assertEqual(self.client.post(self.url(), VALID).status_code, 302)
        response = self.client.post(self.url(), VALID)
        self.assertContains(response, "You have sent a lot in a short time", status_code=429)
        self.assertEqual(VisitorFeedback.objects.count(), RATE_LIMIT)
        # Another client is not held back.
        response = self.client.post(self.url(), VALID, REMOTE_ADDR="198.51.100.7")
        self.assertEqual(response.status_code, 302)

    def test_an_unknown_hub_is_404(self):
        self.assertEqual(self.client.get("/hubs/00000000-0000-0000-0000-000000000000/feedback/").status_code, 404)


class TheTeamSeesIt(FeedbackTestCase):
    def get(self, user, url):
        self.login(user)
        return self.client.get(url)

    def test_the_team_sees_counts_and_what_was_written(self):
        VisitorFeedback.objects.create(hub=self.hub, welcome=5, what_helped="The tea", loneliness="often_or_always")
        VisitorFeedback.objects.create(hub=self.hub, welcome=2, what_is_missing="A lawyer", language="ar")
        VisitorFeedback.objects.create(hub=self.hub, welcome=5)
        response = self.get(self.volunteer, f"/organisation/hubs/{self.hub.uuid}/feedback/")
        self.assertContains(response, "3 visitors answered.")
        self.assertContains(response, '<th scope="row">Very welcome</th><td>2</td>', html=True)
        self.assertContains(response, '<th scope="row">Often or always</th><td>1</td>', html=True)
        self.assertContains(response, "The tea")
        self.assertContains(response, '<span lang="ar">A lawyer</span>', html=True)
        self.assertContains(response, f"http://testserver/hubs/{self.hub.uuid}/feedback/")

    def test_others_get_404(self):
        for user in (self.caseworker, self.outsider, self.partner, self.network_lead):
            self.assertEqual(self.get(user, f"/organisation/hubs/{self.hub.uuid}/feedback/").status_code, 404, user)

    def test_the_poster_holds_a_qr_code_of_the_public_page(self):
        response = self.get(self.coordinator, f"/ar/organisation/hubs/{self.hub.uuid}/feedback/poster/")
        link = f"http://testserver/hubs/{self.hub.uuid}/feedback/"
        svg = segno.make(link, error="m").svg_inline(scale=6, border=2, omitsize=False)
        self.assertContains(response, "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode("ascii"))
        self.assertContains(response, link)

    def test_only_the_team_prints_the_poster(self):
        for user in (self.caseworker, self.outsider, self.network_lead):
            self.assertEqual(
                self.get(user, f"/organisation/hubs/{self.hub.uuid}/feedback/poster/").status_code, 404, user
            )
