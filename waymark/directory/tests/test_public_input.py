"""The public forms: report a problem, suggest a service, how did it go."""

from datetime import timedelta

from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone, translation

from waymark.audit.models import Event
from waymark.directory.actions.public_input import guess_network
from waymark.directory.models import Location, ProblemReport, Service, ServiceFeedback, ServiceSuggestion
from waymark.directory.tests.builders import make_organization, make_service
from waymark.directory.views.public_input import RATE_LIMITS
from waymark.places.models import OutcodeCentroid
from waymark.testing import BaseTestCase, make_area, make_network


class PublicFormTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.directory_org = make_organization(
            "Croal Valley Welcome Project", waymark_organisation=cls.hub_org, network=cls.network
        )
        cls.service = make_service("Drop-in advice", organization=cls.directory_org)
        cls.closed = make_service("Old food bank", organization=cls.directory_org, status=Service.Status.DEFUNCT)

    def setUp(self):
        cache.clear()
        # A request to an /ar/ page leaves Arabic active in this thread (the test client does
        # not reset it), which would turn the next reverse() into /ar/…: start and end in English.
        translation.deactivate()
        self.addCleanup(translation.deactivate)

    def assert_no_visitor_cookie(self, response):
        # A language choice and CSRF are all an anonymous visitor may get: no session.
        self.assertNotIn("sessionid", response.cookies)
        self.assertFalse(any("session" in name for name in self.client.cookies))


class ItTakesAProblemReport(PublicFormTestCase):
    def url(self, service=None):
        return reverse("directory:report_problem", args=[(service or self.service).id])

    def test_it_shows_the_form_to_anyone(self):
        response = self.client.get(self.url())
        self.assertContains(response, "Report a problem with this listing")
        self.assertContains(response, "The opening times are wrong")
        self.assertContains(response, "csrfmiddlewaretoken")
        self.assertNotContains(response, "<script")

    def test_it_puts_the_report_in_the_editors_queue(self):
        response = self.client.post(self.url(), {"kind": "wrong_hours", "details": "  Closed on Fridays now. "})
        self.assertRedirects(
            response,
            reverse("directory:thanks") + f"?sent=problem&service={self.service.id}",
            fetch_redirect_response=False,
        )
        report = ProblemReport.objects.get()
        self.assertEqual(report.service, self.service)
        self.assertEqual(report.kind, ProblemReport.Kind.WRONG_HOURS)
        self.assertEqual(report.details, "Closed on Fridays now.")
        self.assertEqual(report.status, ProblemReport.Status.OPEN)
        self.assertEqual(report.language, "en")
        event = Event.objects.get(action="directory.problem_reported")
        self.assertIsNone(event.actor)
        self.assertEqual(event.details, {"service": str(self.service.id), "kind": "wrong_hours"})
        self.assert_no_visitor_cookie(response)
        thanks = self.client.get(response.url)
        self.assertContains(thanks, "Our editors will check the listing")
        self.assertContains(thanks, reverse("directory:service", args=[self.service.id]))

    def test_it_records_the_language_of_the_page(self):
        url = self.url().replace("/services/", "/ar/services/", 1)
        response = self.client.post(url, {"kind": "closed"})
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response.url.startswith("/ar/thank-you/"))
        self.assertEqual(ProblemReport.objects.get().language, "ar")

    def test_it_explains_a_missing_choice(self):
        response = self.client.post(self.url(), {"kind": "", "details": "x" * 2001})
        self.assertContains(response, "There is a problem")
        self.assertContains(response, "Choose what is wrong")
        self.assertContains(response, "Write at most 2000 characters")
        self.assertContains(response, 'href="#id_kind_0"')
        self.assertFalse(ProblemReport.objects.exists())

    def test_it_refuses_an_unknown_kind(self):
        response = self.client.post(self.url(), {"kind": "rude"})
        self.assertContains(response, "Choose what is wrong")
        self.assertFalse(ProblemReport.objects.exists())

    def test_a_service_not_on_the_public_map_is_not_there(self):
        self.assertEqual(self.client.get(self.url(self.closed)).status_code, 404)
        self.assertEqual(self.client.post(self.url(self.closed), {"kind": "closed"}).status_code, 404)
        hidden = make_service("Long unchecked", organization=self.directory_org)
        Service.objects.filter(pk=hidden.pk).update(created_at=timezone.now() - timedelta(days=400))
        self.assertEqual(self.client.get(self.url(hidden)).status_code, 404)
        self.assertFalse(ProblemReport.objects.exists())

    def test_it_is_rate_limited_with_a_clear_message(self):
        for _number in range(RATE_LIMITS["problem"]):
            self.assertEqual(self.client.post(self.url(), {"kind": "other"}).status_code, 302)
        response = self.client.post(self.url(), {"kind": "other"})
        self.assertEqual(response.status_code, 429)
        self.assertContains(response, "Please try again in an hour", status_code=429)
        self.assertEqual(ProblemReport.objects.count(), RATE_LIMITS["problem"])
        # Another visitor is not held back.
        other = self.client_class(REMOTE_ADDR="192.0.2.77")
        self.assertEqual(other.post(self.url(), {"kind": "other"}).status_code, 302)

    def test_invalid_attempts_do_not_use_up_the_limit(self):
        for _number in range(RATE_LIMITS["problem"] + 3):
            self.client.post(self.url(), {"kind": ""})
        self.assertEqual(self.client.post(self.url(), {"kind": "other"}).status_code, 302)

    def test_it_needs_the_csrf_token(self):
        client = self.client_class(enforce_csrf_checks=True)
        self.assertEqual(client.post(self.url(), {"kind": "closed"}).status_code, 403)
        self.assertFalse(ProblemReport.objects.exists())


class ItTakesASuggestion(PublicFormTestCase):
    def setUp(self):
        super().setUp()
        self.url = reverse("directory:suggest_service")

    def test_it_shows_the_form(self):
        response = self.client.get(self.url)
        self.assertContains(response, "Suggest a service")
        self.assertContains(response, "A town, an area or a postcode.")

    def test_it_places_the_suggestion_in_the_network_of_the_area_named(self):
        response = self.client.post(
            self.url,
            {
                "name": "Tuesday sewing group",
                "organisation_name": "St Peter's",
                "where": "bolton town centre",
                "details": "Free sewing lessons",
                "contact": "01204 000000",
            },
        )
        self.assertRedirects(response, reverse("directory:thanks") + "?sent=suggestion", fetch_redirect_response=False)
        suggestion = ServiceSuggestion.objects.get()
        self.assertEqual(suggestion.name, "Tuesday sewing group")
        self.assertEqual(suggestion.network, self.network)
        self.assertEqual(suggestion.status, ServiceSuggestion.Status.OPEN)
        self.assertTrue(Event.objects.filter(action="directory.service_suggested", object_id=str(suggestion.uuid)))
        self.assert_no_visitor_cookie(response)

    def test_without_a_known_place_it_has_no_network(self):
        self.client.post(self.url, {"name": "Chess club", "where": "somewhere nice"})
        self.assertIsNone(ServiceSuggestion.objects.get().network)
        self.client.post(self.url, {"name": "Knitting"})
        self.assertIsNone(ServiceSuggestion.objects.get(name="Knitting").network)

    def test_a_postcode_finds_the_network_of_the_nearest_listed_place(self):
        OutcodeCentroid.objects.update_or_create(
            outcode="BL1", defaults={"latitude": 53.58, "longitude": -2.43, "postcode_count": 10}
        )
        Location.objects.create(
            location_type="physical",
            organization=self.directory_org,
            latitude=53.579,
            longitude=-2.428,
            area=self.bolton,
        )
        self.assertEqual(guess_network("BL1 1AA"), self.network)
        self.assertEqual(guess_network("bl1"), self.network)
        far_north = make_network("Tyne and Wear", [make_area("Newcastle")])
        self.assertNotEqual(guess_network("BL1"), far_north)

    def test_it_needs_a_name(self):
        response = self.client.post(self.url, {"name": " ", "where": "Bolton"})
        self.assertContains(response, "Enter the name of the service")
        self.assertFalse(ServiceSuggestion.objects.exists())

    def test_it_is_rate_limited(self):
        for number in range(RATE_LIMITS["suggestion"]):
            self.client.post(self.url, {"name": f"Service {number}"})
        response = self.client.post(self.url, {"name": "One too many"})
        self.assertContains(response, "Please try again in an hour", status_code=429)
        self.assertEqual(ServiceSuggestion.objects.count(), RATE_LIMITS["suggestion"])


class ItTakesFeedback(PublicFormTestCase):
    def url(self, service=None):
        return reverse("directory:feedback", args=[(service or self.service).id])

    def test_it_shows_the_questions(self):
        response = self.client.get(self.url())
        self.assertContains(response, "Did you get the help you needed?")
        self.assertContains(response, "Were you treated well?")

    def test_it_records_the_answers_anonymously(self):
        response = self.client.post(self.url(), {"got_help": "partly", "treated_well": "yes", "comment": "Kind staff"})
        self.assertRedirects(
            response,
            reverse("directory:thanks") + f"?sent=feedback&service={self.service.id}",
            fetch_redirect_response=False,
        )
        feedback = ServiceFeedback.objects.get()
        self.assertEqual(
            (feedback.service, feedback.got_help, feedback.treated_well, feedback.comment),
            (self.service, "partly", "yes", "Kind staff"),
        )
        self.assertEqual(
            {field.name for field in ServiceFeedback._meta.get_fields()},
            {"id", "uuid", "service", "got_help", "treated_well", "comment", "language", "created_at"},
        )
        self.assert_no_visitor_cookie(response)

    def test_only_the_first_question_is_needed(self):
        self.assertEqual(self.client.post(self.url(), {"got_help": "no"}).status_code, 302)
        self.assertEqual(ServiceFeedback.objects.get().treated_well, "")

    def test_it_explains_what_is_missing(self):
        response = self.client.post(self.url(), {"treated_well": "maybe"})
        self.assertContains(response, "Say whether you got the help you needed")
        self.assertContains(response, "Choose one of the answers")
        self.assertFalse(ServiceFeedback.objects.exists())

    def test_a_service_off_the_map_is_not_there(self):
        self.assertEqual(self.client.post(self.url(self.closed), {"got_help": "yes"}).status_code, 404)

    def test_it_is_rate_limited(self):
        for _number in range(RATE_LIMITS["feedback"]):
            self.client.post(self.url(), {"got_help": "yes"})
        response = self.client.post(self.url(), {"got_help": "yes"})
        self.assertContains(response, "Please try again in an hour", status_code=429)


class TheThankYouPage(PublicFormTestCase):
    def test_it_copes_with_any_address(self):
        for query in ("", "?sent=nonsense", "?service=not-a-uuid", f"?sent=problem&service={self.closed.id}"):
            with self.subTest(query=query):
                response = self.client.get(reverse("directory:thanks") + query)
                self.assertContains(response, "Thank you")
                self.assertNotContains(response, "Old food bank")
