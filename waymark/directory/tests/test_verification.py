"""Checks: when a listing is due, the "still correct?" links, the reminder job, confirming."""

import re
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from io import StringIO
from unittest import mock

from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from waymark.accounts.models import Membership, Role
from waymark.audit.models import Event
from waymark.directory.actions.verification import (
    do_mark_checked,
    do_send_verification_links,
    hash_token,
    listing_owners,
    send_verification_reminders,
    services_due_a_reminder,
)
from waymark.directory.models import Service, VerificationLink
from waymark.directory.tests.builders import make_organization, make_service
from waymark.notify.models import Notification
from waymark.testing import BaseTestCase, make_member

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


@contextmanager
def frozen(moment):
    """Stop the clock at ``moment`` for everything that asks django.utils.timezone."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def days(number):
    return START + timedelta(days=number)


class VerificationTestCase(BaseTestCase):
    def setUp(self):
        super().setUp()
        # A request to an /ar/ page leaves Arabic active in this thread (the test client does
        # not reset it), which would turn the next reverse() into /ar/…: start and end in English.
        translation.deactivate()
        self.addCleanup(translation.deactivate)

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.directory_org = make_organization(
            "Croal Valley Welcome Project", waymark_organisation=cls.hub_org, network=cls.network
        )
        with frozen(START):
            cls.service = make_service("Drop-in advice", organization=cls.directory_org)

    def verify_links(self, message):
        return re.findall(r"https?://\S+/check/[0-9a-f-]+/[A-Za-z0-9_-]+/", message.body)


class ItKnowsWhenAListingIsDue(VerificationTestCase):
    def test_it_follows_the_clock_from_fresh_to_hidden_and_back(self):
        self.assertEqual(self.service.check_state(days(89)), "fresh")
        self.assertEqual(self.service.check_state(days(90)), "due")
        self.assertEqual(self.service.check_state(days(179)), "due")
        self.assertEqual(self.service.check_state(days(180)), "stale")
        self.assertEqual(self.service.check_state(days(364)), "stale")
        self.assertEqual(self.service.check_state(days(365)), "hidden")
        self.assertIn(self.service, Service.objects.public(days(364)))
        # (public() keeps it up to the instant itself; check_state calls it hidden from then.)
        self.assertNotIn(self.service, Service.objects.public(days(365) + timedelta(seconds=1)))
        self.assertIn(self.service, Service.objects.stale(days(180) + timedelta(seconds=1)))

        with frozen(days(400)):
            links = do_send_verification_links(self.service)
        with frozen(days(401)):
            response = self.client.post(self.confirm_url(links[0]))
        self.assertEqual(response.status_code, 200)
        self.service.refresh_from_db()
        self.assertEqual(self.service.verified_at, days(401))
        self.assertEqual(self.service.check_state(days(401)), "fresh")
        self.assertIn(self.service, Service.objects.public(days(401)))

    def confirm_url(self, link):
        token = "known-token"
        VerificationLink.objects.filter(pk=link.pk).update(token_hash=hash_token(token))
        return reverse("directory:verify", args=[link.uuid, token])

    def test_it_asks_at_90_days_and_again_every_14_until_confirmed(self):
        self.assertNotIn(self.service, services_due_a_reminder(days(89)))
        self.assertIn(self.service, services_due_a_reminder(days(90)))
        with frozen(days(90)):
            do_send_verification_links(self.service)
        self.assertNotIn(self.service, services_due_a_reminder(days(90)))
        self.assertNotIn(self.service, services_due_a_reminder(days(103)))
        self.assertIn(self.service, services_due_a_reminder(days(104)))

    def test_it_leaves_inactive_listings_alone(self):
        Service.objects.filter(pk=self.service.pk).update(status=Service.Status.INACTIVE)
        self.assertNotIn(self.service, services_due_a_reminder(days(200)))


class TheOwnerIsAsked(VerificationTestCase):
    def test_it_asks_the_listing_managers_of_the_organisation_in_their_language(self):
        Membership.objects.filter(user=self.coordinator).update(roles=[Role.COORDINATOR])
        self.coordinator.language = "ar"
        self.coordinator.save(update_fields=["language"])
        admin = make_member("orgadmin@example.org", self.hub_org, [Role.ORGANISATION_ADMIN])
        self.assertEqual(
            listing_owners(self.service), [(self.coordinator.email, self.coordinator), (admin.email, admin)]
        )
        with frozen(days(90)), self.captureOnCommitCallbacks(execute=True):
            links = do_send_verification_links(self.service)
        self.assertEqual(len(links), 2)
        self.assertEqual({message.to[0] for message in mail.outbox}, {self.coordinator.email, admin.email})
        arabic = next(message for message in mail.outbox if message.to == [self.coordinator.email])
        self.assertIn("/ar/check/", arabic.body)
        english = next(message for message in mail.outbox if message.to == [admin.email])
        self.assertIn("Drop-in advice", english.subject)
        self.assertEqual(len(self.verify_links(english)), 1)
        self.assertIn(reverse("directory:edit_service", args=[self.service.id]), english.body)
        # Only the token's hash is kept on the link.
        token = self.verify_links(english)[0].rstrip("/").rsplit("/", 1)[1]
        link = VerificationLink.objects.get(sent_to=admin.email)
        self.assertEqual(link.token_hash, hash_token(token))
        self.assertNotIn(token, link.token_hash)
        self.assertEqual(link.expires_at, days(120))
        self.assertTrue(Event.objects.filter(action="directory.verification_sent", object_id=str(self.service.id)))

    def test_it_never_asks_volunteers_or_caseworkers(self):
        owners = [address for address, _user in listing_owners(self.service)]
        self.assertEqual(owners, [self.coordinator.email])
        self.assertNotIn(self.volunteer.email, owners)

    def test_without_a_waymark_organisation_it_asks_the_public_addresses(self):
        organization = make_organization("Tyne Food Bank", email="hello@tynefood.example")
        service = make_service("Food parcels", organization=organization, email="parcels@tynefood.example")
        self.assertEqual(listing_owners(service), [("hello@tynefood.example", None)])
        organization.email = ""
        organization.save()
        self.assertEqual(listing_owners(service), [("parcels@tynefood.example", None)])
        service.email = ""
        service.save()
        self.assertEqual(listing_owners(service), [])
        self.assertEqual(do_send_verification_links(service), [])


class TheReminderJob(VerificationTestCase):
    def run_job(self):
        output = StringIO()
        with self.captureOnCommitCallbacks(execute=True):
            call_command("send_verification_reminders", stdout=output)
        return output.getvalue()

    def test_it_sends_once_per_window(self):
        with frozen(days(90)):
            self.assertIn("Asked about 1 listing(s); sent 1 link(s).", self.run_job())
            self.assertIn("Asked about 0 listing(s); sent 0 link(s).", self.run_job())
        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(mail.outbox[0].to, [self.coordinator.email])
        with frozen(days(103)):
            self.run_job()
        self.assertEqual(len(mail.outbox), 1)
        with frozen(days(104)):
            self.run_job()
            self.run_job()
        self.assertEqual(len(mail.outbox), 2)
        self.assertEqual(VerificationLink.objects.filter(service=self.service).count(), 2)

    def test_it_stops_once_confirmed(self):
        with frozen(days(90)):
            self.run_job()
        with frozen(days(95)):
            do_mark_checked(self.service, Service.VerificationMethod.PHONE, acting_user=self.editor)
        with frozen(days(110)):
            self.assertIn("Asked about 0 listing(s)", self.run_job())
        with frozen(days(185)):
            self.assertIn("Asked about 1 listing(s)", self.run_job())

    def test_it_is_a_daily_periodic_job(self):
        from django.conf import settings

        self.assertEqual(settings.PERIODIC_JOBS["send_verification_reminders"], timedelta(days=1))

    @override_settings(DIRECTORY_VERIFY_AFTER_DAYS=30, DIRECTORY_REMINDER_EVERY_DAYS=7)
    def test_its_timing_comes_from_settings(self):
        with frozen(days(30)):
            self.assertIn("Asked about 1 listing(s)", self.run_job())
        with frozen(days(37)):
            self.assertIn("Asked about 1 listing(s)", self.run_job())

    def test_the_function_counts_what_it_sent(self):
        with frozen(days(90)):
            self.assertEqual(send_verification_reminders(), (1, 1))


class TheStillCorrectPage(VerificationTestCase):
    def setUp(self):
        super().setUp()
        with frozen(days(90)), self.captureOnCommitCallbacks(execute=True):
            do_send_verification_links(self.service)
        self.url = self.verify_links(mail.outbox[0])[0].split("127.0.0.1:8000", 1)[-1]
        self.link = VerificationLink.objects.get(service=self.service)

    def test_a_get_shows_the_listing_and_never_confirms(self):
        with frozen(days(91)):
            for _attempt in range(3):
                response = self.client.get(self.url)
                self.assertContains(response, "Drop-in advice")
                self.assertContains(response, "Yes, it is still correct")
                self.assertContains(response, 'method="post"')
        self.service.refresh_from_db()
        self.assertIsNone(self.service.verified_at)
        self.link.refresh_from_db()
        self.assertIsNone(self.link.used_at)
        self.assertFalse(Event.objects.filter(action="directory.listing_confirmed").exists())

    def test_the_post_confirms_once(self):
        with frozen(days(91)):
            response = self.client.post(self.url)
        self.assertContains(response, "the listing is confirmed")
        self.service.refresh_from_db()
        self.assertEqual(self.service.verified_at, days(91))
        self.assertEqual(self.service.verification_method, Service.VerificationMethod.SELF_CONFIRMED)
        self.assertIsNone(self.service.verified_by)
        self.link.refresh_from_db()
        self.assertEqual(self.link.used_at, days(91))
        event = Event.objects.get(action="directory.listing_confirmed")
        self.assertEqual(event.object_id, str(self.service.id))
        self.assertEqual(event.organisation, self.hub_org)

        with frozen(days(92)):
            again = self.client.post(self.url)
            opened = self.client.get(self.url)
        self.assertEqual(again.status_code, 410)
        self.assertContains(again, "already been confirmed", status_code=410)
        self.assertContains(opened, "already been confirmed", status_code=410)
        self.service.refresh_from_db()
        self.assertEqual(self.service.verified_at, days(91))

    def test_a_used_link_after_a_later_change_says_used(self):
        VerificationLink.objects.filter(pk=self.link.pk).update(used_at=days(91))
        Service.objects.filter(pk=self.service.pk).update(verified_at=days(80))
        response = self.client.get(self.url)
        self.assertContains(response, "already been used", status_code=410)

    def test_an_expired_link_confirms_nothing(self):
        with frozen(days(120)):
            response = self.client.get(self.url)
            posted = self.client.post(self.url)
        self.assertContains(response, "This link has expired", status_code=410)
        self.assertContains(posted, "This link has expired", status_code=410)
        self.service.refresh_from_db()
        self.assertIsNone(self.service.verified_at)

    def test_a_wrong_token_or_unknown_link_gets_a_clear_page(self):
        wrong_token = reverse("directory:verify", args=[self.link.uuid, "not-the-token"])
        unknown_link = reverse("directory:verify", args=["00000000-0000-0000-0000-000000000000", "x"])
        for url in (wrong_token, unknown_link):
            with self.subTest(url=url):
                self.assertContains(self.client.get(url), "This link does not work", status_code=404)
                self.assertContains(self.client.post(url), "This link does not work", status_code=404)
        self.service.refresh_from_db()
        self.assertIsNone(self.service.verified_at)

    def test_a_colleagues_link_is_spent_once_one_confirms(self):
        make_member("orgadmin@example.org", self.hub_org, [Role.ORGANISATION_ADMIN])
        VerificationLink.objects.all().delete()
        with frozen(days(104)):
            links = do_send_verification_links(self.service)
        for link, token in zip(links, ("first", "second"), strict=True):
            VerificationLink.objects.filter(pk=link.pk).update(token_hash=hash_token(token))
        with frozen(days(105)):
            self.client.post(reverse("directory:verify", args=[links[0].uuid, "first"]))
            response = self.client.get(reverse("directory:verify", args=[links[1].uuid, "second"]))
        self.assertContains(response, "already been confirmed", status_code=410)

    def test_it_opens_in_the_language_of_the_link(self):
        arabic = reverse("directory:verify", args=[self.link.uuid, "x"]).replace("/check/", "/ar/check/", 1)
        response = self.client.get(arabic)
        self.assertEqual(response.status_code, 404)
        self.assertContains(response, 'lang="ar"', status_code=404)


class EditorsMarkListingsChecked(VerificationTestCase):
    def test_it_records_how_and_who(self):
        with frozen(days(200)):
            do_mark_checked(self.service, Service.VerificationMethod.VISIT, acting_user=self.editor)
        self.service.refresh_from_db()
        self.assertEqual(self.service.verified_at, days(200))
        self.assertEqual(self.service.verified_by, self.editor)
        self.assertEqual(self.service.verification_method, Service.VerificationMethod.VISIT)
        event = Event.objects.get(action="directory.listing_checked")
        self.assertEqual(event.actor, self.editor)
        self.assertEqual(event.details, {"method": "visit"})

    def test_it_refuses_a_method_that_is_not_an_editors(self):
        with self.assertRaises(ValueError):
            do_mark_checked(self.service, Service.VerificationMethod.SELF_CONFIRMED, acting_user=self.editor)
        self.assertEqual(Notification.objects.count(), 0)
