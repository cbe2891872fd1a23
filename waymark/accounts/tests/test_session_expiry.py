from datetime import timedelta

from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone

from waymark.testing import PASSWORD, BaseTestCase, make_user


class SessionExpiryTestCase(BaseTestCase):
    def setUp(self):
        self.user = make_user("plain@example.org")
        self.client.post("/accounts/login/", {"login": "plain@example.org", "password": PASSWORD})

    def stored_session(self):
        return Session.objects.get(session_key=self.client.session.session_key)

    def assert_expires_after_the_idle_time(self, session):
        idle = timedelta(minutes=settings.SESSION_IDLE_MINUTES)
        # Compared with a minute's slack either way: the point is "idle time from now", not "never".
        self.assertGreater(session.expire_date, timezone.now() + idle - timedelta(minutes=1))
        self.assertLess(session.expire_date, timezone.now() + idle + timedelta(minutes=1))

    def test_it_ties_the_session_age_to_the_idle_time_and_saves_every_request(self):
        self.assertEqual(settings.SESSION_COOKIE_AGE, settings.SESSION_IDLE_MINUTES * 60)
        self.assertTrue(settings.SESSION_SAVE_EVERY_REQUEST)

    def test_it_sets_the_session_to_expire_after_the_idle_time(self):
        self.assert_expires_after_the_idle_time(self.stored_session())

    def test_it_pushes_the_expiry_back_on_every_request(self):
        Session.objects.filter(session_key=self.client.session.session_key).update(
            expire_date=timezone.now() + timedelta(minutes=1)
        )
        self.client.get("/")
        self.assert_expires_after_the_idle_time(self.stored_session())

    def test_it_signs_out_a_user_idle_for_longer(self):
        Session.objects.filter(session_key=self.client.session.session_key).update(
            expire_date=timezone.now() - timedelta(seconds=1)
        )
        response = self.client.get("/accounts/2fa/")
        self.assertRedirects(response, "/accounts/login/?next=/accounts/2fa/", fetch_redirect_response=False)
