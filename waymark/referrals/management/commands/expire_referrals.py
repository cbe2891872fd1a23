"""The periodic job for referral deadlines (every 15 minutes).

A referral waiting for an answer past its deadline goes back to its sender as "no response",
and the sender is told. One whose deadline is near (``ReferralPolicy.reminder_working_days``
before it) gets one reminder: to the receiver's members for an inbox referral, to the sender
for a letter. Prints the counts.
"""

from django.core.management.base import BaseCommand

from waymark.referrals.flow import expire_and_remind


class Command(BaseCommand):
    help = "Return unanswered referrals past their deadline to their senders, and remind those due soon."

    def handle(self, *args, **options):
        expired, reminded = expire_and_remind()
        self.stdout.write(f"{expired} referrals returned as not answered; {reminded} reminders sent.")
