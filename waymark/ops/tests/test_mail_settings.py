"""EMAIL_URL → Django's MAILERS setting."""

from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.core.mail.backends.smtp import EmailBackend as SmtpBackend
from django.test import SimpleTestCase, override_settings

from waymark.lib.mail import mailer_from_url

SMTP = "django.core.mail.backends.smtp.EmailBackend"


class MailerFromUrlTests(SimpleTestCase):
    def test_it_reads_an_smtp_url_with_starttls_and_an_encoded_password(self):
        found = mailer_from_url("smtp://mailer%40example.org:p%40ss%2Fword@mail.example.org:587?tls=1")
        self.assertEqual(
            found,
            {
                "BACKEND": SMTP,
                "OPTIONS": {
                    "host": "mail.example.org",
                    "port": 587,
                    "username": "mailer@example.org",
                    "password": "p@ss/word",
                    "use_ssl": False,
                    "use_tls": True,
                    "timeout": 20,
                },
            },
        )

    def test_it_defaults_the_port_25_for_smtp_and_465_with_implicit_tls_for_smtps(self):
        plain = mailer_from_url("smtp://localhost")["OPTIONS"]
        self.assertEqual((plain["port"], plain["use_ssl"], plain["use_tls"]), (25, False, False))
        implicit = mailer_from_url("smtps://mail.example.org?timeout=5")["OPTIONS"]
        self.assertEqual((implicit["port"], implicit["use_ssl"], implicit["timeout"]), (465, True, 5))

    def test_it_maps_the_development_backends(self):
        self.assertEqual(mailer_from_url("console://"), {"BACKEND": "django.core.mail.backends.console.EmailBackend"})
        self.assertEqual(mailer_from_url("locmem://")["BACKEND"], "django.core.mail.backends.locmem.EmailBackend")

    def test_it_refuses_an_unknown_scheme_naming_it(self):
        with self.assertRaisesMessage(ImproperlyConfigured, "EMAIL_URL: unknown scheme 'sendmail'"):
            mailer_from_url("sendmail://localhost")

    def test_it_refuses_a_timeout_that_is_not_a_number(self):
        with self.assertRaisesMessage(ImproperlyConfigured, "timeout must be a whole number"):
            mailer_from_url("smtp://localhost?timeout=soon")

    def test_django_builds_an_smtp_connection_from_it(self):
        mailers = {"default": mailer_from_url("smtp://u:p@mail.example.org:587?tls=1")}
        with override_settings(MAILERS=mailers):
            connection = mail.mailers.default
            self.assertIsInstance(connection, SmtpBackend)
            self.assertEqual((connection.host, connection.port, connection.use_tls), ("mail.example.org", 587, True))


class MailerFromUrlMistakesTests(SimpleTestCase):
    def test_it_refuses_an_option_it_does_not_know_naming_it(self):
        # ?tsl=1 read as "no STARTTLS" would send the password in clear.
        with self.assertRaisesMessage(ImproperlyConfigured, "EMAIL_URL: unknown option 'tsl'"):
            mailer_from_url("smtp://u:p@mail.example.org:587?tsl=1")

    def test_it_reads_tls_as_the_other_switches_are_read(self):
        self.assertTrue(mailer_from_url("smtp://mail.example.org:587?tls=on")["OPTIONS"]["use_tls"])
        self.assertFalse(mailer_from_url("smtp://mail.example.org:587?tls=0")["OPTIONS"]["use_tls"])
        with self.assertRaisesMessage(ImproperlyConfigured, "tls must be true or false, not 'maybe'"):
            mailer_from_url("smtp://mail.example.org:587?tls=maybe")

    def test_it_refuses_starttls_on_an_implicit_tls_connection(self):
        # Django would only refuse the pair when the first message is sent.
        with self.assertRaisesMessage(ImproperlyConfigured, "smtps:// is TLS from the start"):
            mailer_from_url("smtps://mail.example.org?tls=1")
