"""Small builders and settings shared by the notification tests."""

from pathlib import Path

from django.conf import settings

from waymark.notify.actions import do_notify

# Test-only templates (notify/language_check/…) use strings Django itself translates, so
# that a test can see the recipient's language at work before Waymark's own catalogs exist.
TEST_TEMPLATES = [
    {**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], Path(__file__).parent / "templates"]}
]

INVITATION_CONTEXT = {
    "organisation_name": "Croal Valley Welcome Project & Friends",
    "invited_by_name": "Coordinator Cora",
    "accept_url": "https://waymark.example/invitations/accept/abc123/",
    "roles": ["Caseworker", "Volunteer"],
}


def notify_invitation(to_address="new.member@example.org", **options):
    """do_notify for an invitation e-mail; call it inside captureOnCommitCallbacks."""
    return do_notify(
        **{
            "template": "invitation",
            "language": "en",
            "context": INVITATION_CONTEXT,
            "to_address": to_address,
            **options,
        }
    )
