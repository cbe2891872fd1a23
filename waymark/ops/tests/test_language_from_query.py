"""`?lang=<code>`: a shared link opens in the language it was shared in."""

import re

from django.test import TestCase
from django.utils import translation


def persian(text):
    with translation.override("fa"):
        return translation.gettext(text)


class LanguageFromQueryTests(TestCase):
    def test_it_shows_the_page_in_the_language_of_the_link(self):
        response = self.client.get("/accounts/login/?lang=fa")

        self.assertContains(response, '<html lang="fa" dir="rtl">')
        self.assertContains(response, persian("Sign in"))
        self.assertEqual(response["Content-Language"], "fa")

    def test_it_wins_over_the_language_prefix(self):
        response = self.client.get("/ar/accounts/login/?lang=fa")

        self.assertContains(response, '<html lang="fa" dir="rtl">')
        self.assertEqual(response["Content-Language"], "fa")

    def test_it_links_onwards_in_the_language_of_the_link(self):
        response = self.client.get("/accounts/login/?lang=fa")

        self.assertContains(response, 'action="/fa/accounts/login/"')

    def test_it_ignores_a_language_waymark_does_not_offer(self):
        response = self.client.get("/accounts/login/?lang=xx")

        self.assertContains(response, '<html lang="en" dir="ltr">')
        self.assertEqual(response["Content-Language"], "en")

    def test_it_shows_a_missing_page_in_the_language_of_the_link(self):
        response = self.client.get("/no-such-page/?lang=fa")

        self.assertContains(response, persian("Page not found"), status_code=404)
        self.assertContains(response, '<html lang="fa" dir="rtl">', status_code=404)

    def test_it_lets_the_language_switcher_leave_the_language_of_the_link(self):
        page = self.client.get("/accounts/login/?lang=fa&next=/organisation/members/")
        switcher = re.search(r'class="language-switcher".*?name="next" value="([^"]*)"', page.content.decode(), re.S)
        next_url = switcher[1]

        response = self.client.post("/i18n/setlang/", {"language": "ar", "next": next_url}, follow=True)

        self.assertContains(response, '<html lang="ar" dir="rtl">')
        # Whatever else the address held is kept.
        self.assertEqual(response.redirect_chain[-1][0], "/ar/accounts/login/?next=%2Forganisation%2Fmembers%2F")
