"""The 403, 404 and 500 pages: friendly, translated, right-to-left where the language is."""

from django.test import RequestFactory, TestCase
from django.utils import translation

from waymark import urls
from waymark.ops import views


class ErrorPageTests(TestCase):
    def render(self, handler, language, **kwargs):
        request = RequestFactory().get(f"/{language}/somewhere/")
        request.user = None
        with translation.override(language):
            return handler(request, **kwargs)

    def test_it_wires_the_handlers_django_calls(self):
        self.assertEqual(urls.handler403, "waymark.ops.views.forbidden")
        self.assertEqual(urls.handler404, "waymark.ops.views.not_found")
        self.assertEqual(urls.handler500, "waymark.ops.views.server_error")

    def test_it_explains_a_403_in_plain_words(self):
        response = self.render(views.forbidden, "en", exception=PermissionError())
        self.assertEqual(response.status_code, 403)
        self.assertContains(response, "You cannot open this page", status_code=403)
        self.assertContains(response, "ask your organisation", status_code=403)

    def test_it_shows_the_500_page_in_arabic_right_to_left(self):
        response = self.render(views.server_error, "ar")
        self.assertEqual(response.status_code, 500)
        html = response.content.decode()
        self.assertIn('lang="ar" dir="rtl"', html)
        with translation.override("ar"):
            heading = translation.gettext("Sorry, something went wrong")
        self.assertNotEqual(heading, "Sorry, something went wrong")
        self.assertIn(heading, html)

    def test_it_tells_people_on_the_500_page_that_nothing_was_lost(self):
        response = self.render(views.server_error, "en")
        self.assertContains(response, "Nothing you entered has been lost", status_code=500)

    def test_it_renders_the_500_page_without_touching_the_database(self):
        # The 500 page must appear when the database is what failed.
        with self.assertNumQueries(0):
            response = self.render(views.server_error, "fa")
        self.assertContains(response, 'dir="rtl"', status_code=500)
