"""Builders shared by the case tests (no tests here)."""

import datetime as dt

from django.utils import timezone

from waymark.accounts.models import Membership
from waymark.accounts.tokens import create_api_token
from waymark.casework import cases


def days_ago(days):
    return timezone.localdate() - dt.timedelta(days=days)


def make_case(person, *, by, owner=None, title="Move-on support"):
    return cases.do_open_case(person, acting_user=by, title=title, owner=owner or by)


def make_note(case, *, by, text="Called about the move-on letter.", kind="phone", **fields):
    return cases.do_add_note(case, acting_user=by, kind=kind, text=text, **fields)[0]


def make_action(case, *, by, owner=None, due_on=None, description="Book a GP appointment"):
    return cases.do_add_action(case, acting_user=by, description=description, owner=owner or by, due_on=due_on)


def api_token(user, organisation, read_only=False):
    membership = Membership.objects.get(user=user, organisation=organisation)
    return create_api_token(membership, acting_user=user, read_only=read_only)[1]


def bearer(secret):
    return {"Authorization": f"Bearer {secret}"}
