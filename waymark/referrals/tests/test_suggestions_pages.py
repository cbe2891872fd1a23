"""The suggestions page (referrals/suggestions/) and GET /api/v1/services/suggestions."""

from django.conf.urls.i18n import i18n_patterns
from django.test import TestCase, override_settings
from django.urls import URLResolver, include, path, reverse

from waymark import urls as project_urls
from waymark.directory.models import Service
from waymark.directory.signals import refresh_search_fields
from waymark.directory.tests.builders import give_need, make_service
from waymark.people.models import Gender
from waymark.referrals import urls as referral_urls
from waymark.referrals.models import Referral
from waymark.referrals.statistics import MIN_REFERRALS
from waymark.referrals.suggestion_urls import urlpatterns as suggestion_urlpatterns
from waymark.referrals.tests.test_statistics import make_referral
from waymark.referrals.tests.test_suggestions import NEAR_BOLTON, SuggestionWorld, place

# The project's URLs with the suggestions page among the referral pages, whether or not
# referrals/urls.py includes suggestion_urls yet.
_referral_patterns = list(referral_urls.urlpatterns)
if not any(getattr(pattern, "name", None) == "suggestions" for pattern in _referral_patterns):
    _referral_patterns += suggestion_urlpatterns
urlpatterns = [pattern for pattern in project_urls.urlpatterns if not isinstance(pattern, URLResolver)]
urlpatterns += [
    pattern
    for pattern in project_urls.urlpatterns
    if isinstance(pattern, URLResolver) and not hasattr(pattern.pattern, "prefix_default_language")
]
urlpatterns += i18n_patterns(
    *[
        pattern
        for resolver in project_urls.urlpatterns
        if hasattr(getattr(resolver, "pattern", None), "prefix_default_language")
        for pattern in resolver.url_patterns
        if getattr(pattern, "app_name", None) != "referrals"
    ],
    path("", include((_referral_patterns, "referrals"))),
    prefix_default_language=False,
)
handler404 = project_urls.handler404

URLCONF = __name__


def login(client, user):
    client.force_login(user)
    session = client.session
    session["mfa_set_up"] = True
    session.save()


class PageWorld(SuggestionWorld):
    @classmethod
    def build_page_world(cls):
        cls.build_suggestion_world()
        cls.women_only = make_service("Women's pantry", cls.pantry.organization, gender=Service.Gender.WOMEN)
        give_need(cls.women_only, cls.food)
        place(cls.women_only, NEAR_BOLTON)
        refresh_search_fields([cls.women_only.id])
        cls.person.gender = Gender.MAN
        cls.person.save()


@override_settings(ROOT_URLCONF=URLCONF)
class SuggestionsPageTests(PageWorld, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.build_page_world()

    def url(self, need="suggest-food", person=None):
        query = f"?person={person or self.person.uuid}"
        if need is not None:
            query += f"&need={need}"
        return reverse("referrals:suggestions") + query

    def test_it_lists_the_services_best_first_with_reasons_and_links(self):
        login(self.client, self.caseworker)

        response = self.client.get(self.url())

        self.assertEqual(response.status_code, 200)
        content = response.content.decode()
        self.assertLess(content.index("Bolton pantry"), content.index("Wigan kitchen"))
        self.assertLess(content.index("Wigan kitchen"), content.index("Full larder"))
        self.assertContains(response, "Speaks Arabic.")
        self.assertContains(response, "Full at the moment.")
        refer = f'href="/referrals/new/?person={self.person.uuid}&amp;service={self.pantry.id}&amp;need=suggest-food"'
        self.assertContains(response, refer)
        tell = reverse("referrals:signpost_person", args=[self.person.uuid])
        self.assertContains(response, f'href="{tell}?q=Bolton+pantry&amp;need=suggest-food"')
        self.assertContains(response, '<option value="suggest-food" selected>')

    def test_it_lists_services_they_are_not_eligible_for_apart_with_the_reason(self):
        login(self.client, self.caseworker)

        response = self.client.get(self.url())

        content = response.content.decode()
        apart = content.index("Services they are not eligible for")
        self.assertGreater(content.index("Women&#x27;s pantry"), apart)
        self.assertGreater(content.index("For another gender."), apart)

    def test_it_shows_the_need_chooser_first(self):
        login(self.client, self.caseworker)

        response = self.client.get(self.url(need=None))

        self.assertContains(response, '<label for="id_need">What do they need?</label>', html=True)
        self.assertContains(response, f'<input type="hidden" name="person" value="{self.person.uuid}">', html=True)
        self.assertNotContains(response, "best fit first")

    def test_it_says_when_the_need_is_not_on_the_list(self):
        login(self.client, self.caseworker)

        response = self.client.get(self.url(need="no-such-need"))

        self.assertContains(response, "Choose a need from the list.")
        self.assertNotContains(response, "Bolton pantry")

    def test_it_warns_what_was_not_taken_into_account(self):
        self.person.home_area = None
        self.person.save()
        login(self.client, self.caseworker)

        response = self.client.get(self.url())

        self.assertContains(response, "Where they live is not recorded: distance is not used to rank the suggestions.")

    def test_it_is_not_there_for_a_volunteer_of_the_same_organisation(self):
        login(self.client, self.volunteer)

        self.assertEqual(self.client.get(self.url()).status_code, 404)

    def test_it_is_not_there_for_another_organisation(self):
        login(self.client, self.outsider)

        self.assertEqual(self.client.get(self.url()).status_code, 404)

    def test_it_is_not_there_for_a_person_that_does_not_exist(self):
        login(self.client, self.caseworker)

        self.assertEqual(self.client.get(self.url(person="not-a-uuid")).status_code, 404)
        self.assertEqual(self.client.get(self.url(person="4c1d7e6e-0000-4000-8000-000000000000")).status_code, 404)

    def test_it_asks_to_sign_in(self):
        response = self.client.get(self.url())

        self.assertEqual(response.status_code, 302)
        self.assertIn("/accounts/login/", response["Location"])

    def test_it_asks_the_database_the_same_number_of_times_for_more_services(self):
        login(self.client, self.caseworker)
        self.client.get(self.url())
        with self.assertNumQueries(26) as few:
            self.client.get(self.url())
        for number in range(4):
            extra = make_service(f"Extra pantry {number}", self.pantry.organization)
            give_need(extra, self.food)
            place(extra, NEAR_BOLTON)
            refresh_search_fields([extra.id])
        with self.assertNumQueries(len(few.captured_queries)):
            response = self.client.get(self.url())
        self.assertContains(response, "Extra pantry 3")


class SuggestionsApiTests(PageWorld, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.build_page_world()
        for _number in range(MIN_REFERRALS):
            make_referral(cls, cls.pantry, Referral.State.ACCEPTED, answered_after_days=2)

    def get(self, need="suggest-food", person=None):
        return self.client.get("/api/v1/services/suggestions", {"need": need, "person": person or self.person.uuid})

    def test_it_gives_the_services_best_first_then_those_they_are_not_eligible_for(self):
        login(self.client, self.caseworker)

        response = self.get()

        self.assertEqual(response.status_code, 200)
        body = response.json()
        self.assertEqual(body["need"], {"id": str(self.food.id), "slug": "suggest-food", "name": "Food"})
        self.assertEqual(
            [(item["name"], item["eligible"]) for item in body["services"]],
            [("Bolton pantry", True), ("Wigan kitchen", True), ("Full larder", True), ("Women's pantry", False)],
        )
        pantry = body["services"][0]
        self.assertEqual(pantry["id"], str(self.pantry.id))
        self.assertEqual(pantry["organisation"], {"id": str(self.pantry.organization.id), "name": "Croal Food Network"})
        self.assertEqual(pantry["distance_km"], 2.0)
        self.assertEqual(pantry["statistics"], {"referrals": 10, "median_days_to_respond": 2.0, "share_accepted": 1.0})
        self.assertIn({"kind": "language", "text": "Speaks Arabic."}, pantry["reasons"])
        self.assertIsNone(body["services"][1]["statistics"])
        self.assertIn({"kind": "eligibility", "text": "For another gender."}, body["services"][3]["reasons"])
        self.assertEqual(body["warnings"], [])

    def test_it_takes_the_need_by_its_id_as_in_the_oruk_api(self):
        login(self.client, self.caseworker)

        response = self.get(need=str(self.parcels.id))

        self.assertEqual([item["name"] for item in response.json()["services"]], ["Bolton pantry"])

    def test_it_refuses_an_unknown_need(self):
        login(self.client, self.caseworker)

        response = self.get(need="no-such-need")

        self.assertEqual(response.status_code, 422)
        self.assertEqual(response.json()["code"], "invalid")

    def test_it_is_not_there_for_a_volunteer_of_the_same_organisation(self):
        login(self.client, self.volunteer)

        response = self.get()

        self.assertEqual(response.status_code, 404)
        self.assertEqual(response.json()["code"], "not_found")

    def test_it_is_not_there_for_another_organisation(self):
        login(self.client, self.outsider)

        self.assertEqual(self.get().status_code, 404)

    def test_it_is_not_there_for_a_person_that_does_not_exist(self):
        login(self.client, self.caseworker)

        self.assertEqual(self.get(person="4c1d7e6e-0000-4000-8000-000000000000").status_code, 404)

    def test_it_asks_who_is_asking(self):
        self.assertEqual(self.get().status_code, 401)

    def test_it_is_in_the_openapi_document(self):
        document = self.client.get("/api/v1/openapi.json").json()

        operation = document["paths"]["/api/v1/services/suggestions"]["get"]
        self.assertEqual(sorted(operation["responses"]), ["200", "401", "403", "404", "422"])
