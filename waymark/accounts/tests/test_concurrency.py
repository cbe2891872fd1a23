"""The last-admin rule holds when two admins act at the same moment, each in a thread and on a
database connection of its own.

These run on whatever DATABASE_URL names (a database file on SQLite, never the in-memory
database): on SQLite the second IMMEDIATE transaction waits for the first to commit; on
PostgreSQL the second waits for the organisation's row lock.
"""

from functools import partial

from django.core.exceptions import ValidationError
from django.test import TransactionTestCase

from waymark.accounts.actions import do_change_member_roles, do_remove_member
from waymark.accounts.models import Membership, Role
from waymark.audit.models import Event
from waymark.testing import make_member, make_organisation, run_at_once

ROUNDS = 3
ADMIN_ROLES = [Role.COORDINATOR, Role.ORGANISATION_ADMIN]


class LastAdminAtOnceTests(TransactionTestCase):
    def make_two_admins(self, round_number):
        organisation = make_organisation(f"Croal Valley Welcome Project {round_number}")
        make_member(f"caseworker{round_number}@example.org", organisation, [Role.CASEWORKER])
        first = make_member(f"first{round_number}@example.org", organisation, ADMIN_ROLES)
        second = make_member(f"second{round_number}@example.org", organisation, ADMIN_ROLES)
        return organisation, first, second

    def assert_one_succeeded_and_one_was_refused(self, outcomes):
        refused = [outcome for outcome in outcomes if isinstance(outcome, ValidationError)]
        self.assertEqual(len(refused), 1, outcomes)
        self.assertEqual(refused[0].code, "last_organisation_admin")
        self.assertFalse(any(isinstance(outcome, Exception) and outcome not in refused for outcome in outcomes))

    def admins(self, organisation):
        return [
            membership.user
            for membership in Membership.objects.filter(organisation=organisation)
            if Role.ORGANISATION_ADMIN in membership.roles
        ]

    def test_it_keeps_an_admin_when_two_admins_remove_each_other_at_once(self):
        for round_number in range(ROUNDS):
            with self.subTest(round=round_number):
                organisation, first, second = self.make_two_admins(round_number)
                first_membership = Membership.objects.get(user=first)
                second_membership = Membership.objects.get(user=second)

                outcomes = run_at_once(
                    partial(do_remove_member, second_membership, acting_user=first),
                    partial(do_remove_member, first_membership, acting_user=second),
                )

                self.assert_one_succeeded_and_one_was_refused(outcomes)
                admins = self.admins(organisation)
                self.assertEqual(len(admins), 1)
                # The admin left is the one whose removal of the other went through.
                winner = first if outcomes[0] is None else second
                self.assertEqual(admins, [winner])
                # The refused removal left no trace in the audit log.
                self.assertEqual(
                    list(Event.objects.filter(organisation=organisation).values_list("action", "actor")),
                    [("membership.removed", winner.pk)],
                )

    def test_it_keeps_an_admin_when_both_admins_step_down_at_once(self):
        for round_number in range(ROUNDS):
            with self.subTest(round=round_number):
                organisation, first, second = self.make_two_admins(round_number)

                outcomes = run_at_once(
                    *[
                        partial(
                            do_change_member_roles,
                            Membership.objects.get(user=admin),
                            [Role.COORDINATOR],
                            acting_user=admin,
                        )
                        for admin in (first, second)
                    ]
                )

                self.assert_one_succeeded_and_one_was_refused(outcomes)
                stayed = second if isinstance(outcomes[1], ValidationError) else first
                self.assertEqual(self.admins(organisation), [stayed])
                self.assertEqual(Event.objects.filter(organisation=organisation).count(), 1)
