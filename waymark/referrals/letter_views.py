"""The referral letter: printable for the sender, and its signed link for the service.

A referral to a service whose organisation does not use Waymark goes as a letter
(``Referral.Delivery.LETTER``). The sender prints it (``letter``) or it is e-mailed by the
flow; either way it carries a signed, expiring link (``letter_link``) where the service reads
what the person agreed to share, and whom at the sending organisation to answer. The sender
then records the service's answer on the referral's page.

The signed link needs no login: the token is the only key. So its page is never cached,
never indexed, and never passes its address on to another site.
"""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from waymark.referrals import access
from waymark.referrals.models import Referral
from waymark.referrals.policy import policy_on
from waymark.referrals.sharing import describe


def _letter_context(referral, shared):
    """What the letter and its link's page both say."""
    sender = referral.created_by
    return {
        "referral": referral,
        "reference": str(referral.uuid)[:8].upper(),
        "sections": describe(shared or {}),
        "sender_organisation": referral.organisation,
        "contact_name": sender.name or sender.email,
        "contact_email": sender.email,
    }


@never_cache
@login_required
@require_GET
def letter(request, referral_uuid):
    """The printable referral letter, for the organisation that made the referral (404 for
    anyone else, for a referral that goes to an inbox, and for a draft)."""
    referral, side = access.get_referral_for_user(request, referral_uuid)
    if side != access.SENDER or referral.delivery != Referral.Delivery.LETTER or referral.state == Referral.State.DRAFT:
        raise Http404
    link = settings.SITE_URL + reverse("referrals:letter_link", args=[access.letter_token(referral)])
    context = _letter_context(referral, access.shared_details_for(referral, side))
    context.update(
        link=link,
        link_days=policy_on().letter_link_days,
        date=timezone.localdate(),
        closed=referral.is_closed,
    )
    return render(request, "referrals/referral_letter.html", context)


@require_GET
def letter_link(request, token):
    """What a service reads through the letter's signed link: only what was consented, and
    how to answer. 404 when the link is not genuine, has expired, or the referral was
    withdrawn (``access.referral_from_letter_token``, which logs the opening)."""
    referral = access.referral_from_letter_token(token)
    shared = access.shared_details_for(referral, access.RECEIVER)
    response = render(request, "referrals/referral_letter_link.html", _letter_context(referral, shared))
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response
