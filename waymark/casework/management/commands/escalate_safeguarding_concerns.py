"""Pass untriaged safeguarding concerns to the next lead when their time is up (a periodic job,
every 5 minutes: see settings.PERIODIC_JOBS).

A concern still "raised" longer than the ``EscalationRule`` minutes in force for its urgency
after its current lead was told passes to the next safeguarding lead, who is e-mailed; after
the last lead it wraps to the first and the organisation admins are told too. A concern
raised while the organisation had no lead goes to the first lead appointed since.
"""

from django.core.management.base import BaseCommand

from waymark.casework.safeguarding import escalate_due_concerns


class Command(BaseCommand):
    help = "Pass untriaged safeguarding concerns to the next lead when their time is up (every 5 minutes)."

    def handle(self, *args, **options):
        passed = escalate_due_concerns()
        for concern in passed:
            # Ids and labels only: nothing of what was said.
            self.stdout.write(
                f"Passed concern {concern.uuid} ({concern.category}, {concern.urgency}) of "
                f"{concern.organisation.slug} to the next lead (passed on {concern.times_passed_on} times)."
            )
        self.stdout.write(f"{len(passed)} safeguarding concerns passed to the next lead.")
