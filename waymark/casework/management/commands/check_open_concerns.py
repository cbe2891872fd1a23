"""The daily check that no open safeguarding concern is forgotten (a periodic job).

Finds every overdue open concern (untriaged past the time its urgency allows; or triaged and
still open two weeks after triage) and e-mails each organisation's safeguarding leads one
digest listing theirs (with no lead, its organisation admins). The digest names the kind,
urgency and date of each concern, never what was said. Prints what it found.
"""

from django.core.management.base import BaseCommand

from waymark.casework.safeguarding import OVERDUE_LABELS, send_overdue_digests


class Command(BaseCommand):
    help = "Find overdue open safeguarding concerns and send each organisation's leads a digest (daily)."

    def handle(self, *args, **options):
        found = send_overdue_digests()
        total = 0
        for organisation, items in found.items():
            self.stdout.write(f"{organisation.slug}: {len(items)} overdue")
            for item in items:
                total += 1
                self.stdout.write(
                    f"  {item.concern.uuid} {item.concern.category} {item.concern.urgency} "
                    f"raised {item.concern.raised_at:%Y-%m-%d %H:%M}: {OVERDUE_LABELS[item.reason]}"
                )
        self.stdout.write(f"{total} overdue safeguarding concerns in {len(found)} organisations; digests sent.")
