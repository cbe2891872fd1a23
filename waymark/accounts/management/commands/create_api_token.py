"""`manage.py create_api_token EMAIL [--organisation SLUG] [--read-only] [--name NAME]`.

Prints the new token alone on standard output (so that `TOKEN=$(manage.py create_api_token …)`
works) and what it is for on standard error. The token is not stored and is never shown again.
"""

from django.core.management.base import BaseCommand, CommandError

from waymark.accounts.models import Membership, User
from waymark.accounts.tokens import create_api_token


class Command(BaseCommand):
    help = "Create an API token for a user's membership of an organisation, and print it once."

    def add_arguments(self, parser):
        parser.add_argument("email", help="The e-mail address of the user the token acts as.")
        parser.add_argument(
            "--organisation",
            metavar="SLUG",
            help="The organisation the token acts for; needed when the user belongs to several.",
        )
        parser.add_argument(
            "--read-only", action="store_true", help="The token may only read (GET), never change anything."
        )
        parser.add_argument("--name", default="", help="A name to tell this token apart, e.g. the system using it.")

    def handle(self, *args, email, organisation, read_only, name, **options):
        try:
            user = User.objects.get(email__iexact=email.strip())
        except User.DoesNotExist:
            raise CommandError(f"No user has the e-mail address {email}.") from None
        if not user.is_active:
            raise CommandError(f"{user.email} is not active, so cannot have an API token.")

        memberships = list(Membership.objects.filter(user=user).select_related("organisation", "user"))
        if not memberships:
            raise CommandError(
                f"{user.email} is not a member of any organisation. An API token acts for one "
                "membership; add them to an organisation first."
            )
        slugs = ", ".join(sorted(m.organisation.slug for m in memberships))
        if organisation:
            membership = next((m for m in memberships if m.organisation.slug == organisation), None)
            if membership is None:
                raise CommandError(
                    f"{user.email} is not a member of an organisation with the slug {organisation!r}. "
                    f"Their organisations: {slugs}."
                )
        elif len(memberships) == 1:
            membership = memberships[0]
        else:
            raise CommandError(
                f"{user.email} belongs to several organisations; choose one with --organisation. "
                f"Their organisations: {slugs}."
            )

        token, secret = create_api_token(membership, acting_user=None, name=name, read_only=read_only, via="command")
        kind = "read-only API token" if read_only else "API token"
        self.stderr.write(
            f"New {kind} {token.prefix}… for {user.email} acting for {membership.organisation.name} "
            f"({membership.organisation.slug}). Copy it now: it is not stored and will not be shown again."
        )
        self.stdout.write(secret)
