"""E-mail the owners of listings due a check a "still correct?" link (a daily periodic job)."""

from django.core.management.base import BaseCommand

from waymark.directory.actions.verification import send_verification_reminders


class Command(BaseCommand):
    help = (
        'Send a single-use "still correct?" link to the owners of every listing last checked '
        "DIRECTORY_VERIFY_AFTER_DAYS ago or more and not asked in the last DIRECTORY_REMINDER_EVERY_DAYS. "
        "Safe to run again: a listing already asked in the window is skipped."
    )

    def handle(self, *args, **options):
        asked, sent = send_verification_reminders()
        self.stdout.write(f"Asked about {asked} listing(s); sent {sent} link(s).")
