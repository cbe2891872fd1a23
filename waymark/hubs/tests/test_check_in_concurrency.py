"""Check-ins arriving at once, for real: threads with database connections of their own.

They run on whatever DATABASE_URL names (a database file on SQLite, never the in-memory one;
PostgreSQL with DATABASE_URL=postgres://…), as waymark/ops/tests/test_concurrency.py does.
"""

import datetime as dt
import uuid
from functools import partial

from django.test import TransactionTestCase
from django.utils import timezone

from waymark.accounts.models import Membership, Role
from waymark.hubs import actions
from waymark.hubs.checkins import CheckInConflict, do_check_in
from waymark.hubs.models import LONDON, Visit
from waymark.hubs.tests.helpers import make_site
from waymark.people.models import Person
from waymark.people.scale import bulk_create_people
from waymark.testing import make_area, make_member, make_organisation, run_at_once

PEOPLE = 200
# Senders at once: a handful of volunteers' phones and the offline queues they empty. Few
# enough that PostgreSQL's connection limit, shared with everything else, is no worry.
SENDERS = 20


class CheckInsAtOnceTests(TransactionTestCase):
    def setUp(self):
        bolton = make_area("Bolton")
        self.organisation = make_organisation("Croal Valley Welcome Project")
        self.volunteer = make_member("volunteer@example.org", self.organisation, [Role.VOLUNTEER])
        coordinator = make_member("coordinator@example.org", self.organisation, [Role.COORDINATOR])
        hub = actions.do_create_hub(
            name="Bolton Hub",
            area=bolton,
            lead_organisation=self.organisation,
            model="local_provider",
            sites=[make_site(area=bolton)],
            acting_user=coordinator,
        )
        actions.do_set_team(hub, [Membership.objects.get(user=self.volunteer)], acting_user=coordinator)
        today = timezone.localdate(timezone=LONDON)
        self.session = actions.do_add_extra_session(
            hub,
            site=hub.sites.get(),
            date=today,
            starts_at=dt.time(0),
            ends_at=dt.time(23, 59),
            acting_user=coordinator,
        )
        bulk_create_people(self.organisation, PEOPLE, recorded_by=coordinator)
        self.people = list(Person.objects.order_by("id"))

    def send(self, check_ins):
        """One sender: each (person or None, key) in turn; what each check-in answered."""
        answers = []
        for person, key in check_ins:
            try:
                visit, created = do_check_in(self.session, person, acting_user=self.volunteer, client_id=key)
            except CheckInConflict as conflict:
                answers.append(("conflict", conflict.reason))
            else:
                answers.append(("created" if created else "again", visit.pk))
        return answers

    def test_two_hundred_check_ins_at_once_are_all_recorded_once(self):
        # Each check-in is sent twice, by two different senders (a phone that sent it, then
        # its offline queue sending it again), so 400 requests race for 200 check-ins.
        check_ins = [(person, uuid.uuid4()) for person in self.people[: PEOPLE - 20]]
        check_ins += [(None, uuid.uuid4()) for _ in range(20)]
        batches = [check_ins[index::SENDERS] for index in range(SENDERS)]
        senders = [batches[index] + list(reversed(batches[(index + 1) % SENDERS])) for index in range(SENDERS)]

        outcomes = run_at_once(*[partial(self.send, batch) for batch in senders])

        errors = [outcome for outcome in outcomes if isinstance(outcome, Exception)]
        self.assertEqual(errors, [])
        answers = [answer for outcome in outcomes for answer in outcome]
        self.assertEqual(len(answers), 2 * PEOPLE)
        self.assertEqual(sum(1 for kind, _ in answers if kind == "created"), PEOPLE)
        self.assertEqual(sum(1 for kind, _ in answers if kind == "again"), PEOPLE)
        self.assertEqual(Visit.objects.count(), PEOPLE)
        self.assertEqual(Visit.objects.filter(anonymous=True).count(), 20)
        self.assertEqual(Visit.objects.filter(person__isnull=False).values("person").distinct().count(), PEOPLE - 20)

    def test_the_same_person_checked_in_from_several_phones_at_once_is_checked_in_once(self):
        person = self.people[0]
        outcomes = run_at_once(*[partial(self.send, [(person, uuid.uuid4())]) for _ in range(SENDERS)])

        answers = [outcome[0] for outcome in outcomes]
        self.assertEqual([kind for kind, _ in answers].count("created"), 1, answers)
        self.assertEqual(answers.count(("conflict", "already_checked_in")), SENDERS - 1, answers)
        self.assertEqual(Visit.objects.filter(person=person).count(), 1)
