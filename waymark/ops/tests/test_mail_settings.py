"""EMAIL_URL → Django's e-mail settings."""

from django.core.exceptions import ImproperlyConfigured
from django.test import SimpleTestCase

from waymark.lib.mail import email_settings_from_url

SMTP = "django.core.mail.backends.smtp.EmailBackend"


class EmailSettingsFromUrlTests(SimpleTestCase):
    def test_it_reads_an_smtp_url_with_starttls_and_an_encoded_password(self):
        found = email_settings_from_url("smtp://mailer%40example.org:p%40ss%2Fword@mail.example.org:587?tls=1")
        self.assertEqual(
            found,
            {
                "EMAIL_BACKEND": SMTP,
                "EMAIL_HOST": "mail.example.org",
                "EMAIL_PORT": 587,
                "EMAIL_HOST_USER": "mailer@example.org",
                "EMAIL_HOST_PASSWORD": "p@ss/word",
                "EMAIL_USE_SSL": False,
                "EMAIL_USE_TLS": True,
                "EMAIL_TIMEOUT": 20,
            },
        )

    def test_it_defaults_the_port_25_for_smtp_and_465_with_implicit_tls_for_smtps(self):
        plain = email_settings_from_url("smtp://localhost")
        self.assertEqual((plain["EMAIL_PORT"], plain["EMAIL_USE_SSL"], plain["EMAIL_USE_TLS"]), (25, False, False))
        implicit = email_settings_from_url("smtps://mail.example.org?timeout=5")
        self.assertEqual((implicit["EMAIL_PORT"], implicit["EMAIL_USE_SSL"]), (465, True))
        self.assertEqual(implicit["EMAIL_TIMEOUT"], 5)

    def test_it_maps_the_development_backends(self):
        self.assertEqual(
            email_settings_from_url("console://"),
            {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"},
        )
        self.assertEqual(
            email_settings_from_url("locmem://")["EMAIL_BACKEND"], "django.core.mail.backends.locmem.EmailBackend"
        )

    def test_it_refuses_an_unknown_scheme_naming_it(self):
        with self.assertRaisesMessage(ImproperlyConfigured, "EMAIL_URL: unknown scheme 'sendmail'"):
            email_settings_from_url("sendmail://localhost")
