"""The API answers in the language the client asks for (Accept-Language), on the real URLconf.

LocaleMiddleware alone would answer every unprefixed address, /api/ included, in English.
"""

from unittest import mock

from django.test import TestCase
from django.utils import translation


def tagged(message):
    # Our catalogues are filled by translators; what must hold is that each message goes
    # through gettext while the client's language is active.
    return f"[{translation.get_language()}] {message}"


class ApiLanguageTests(TestCase):
    def test_it_answers_in_the_language_of_accept_language(self):
        with mock.patch("waymark.api._", side_effect=tagged):
            response = self.client.get("/api/v1/me", headers={"Accept-Language": "ar"})

        self.assertEqual(response.status_code, 401)
        self.assertEqual(response["Content-Language"], "ar")
        self.assertTrue(response.json()["detail"].startswith("[ar] "), response.json())

    def test_lang_in_the_query_wins_over_accept_language(self):
        with mock.patch("waymark.api._", side_effect=tagged):
            response = self.client.get("/api/v1/me?lang=uk", headers={"Accept-Language": "ar"})

        self.assertEqual(response["Content-Language"], "uk")
        self.assertTrue(response.json()["detail"].startswith("[uk] "), response.json())

    def test_it_answers_in_english_when_the_client_names_no_language_we_have(self):
        response = self.client.get("/api/v1/me", headers={"Accept-Language": "de"})

        self.assertEqual(response["Content-Language"], "en")
        self.assertEqual(response.json()["code"], "not_authenticated")
