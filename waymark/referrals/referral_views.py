"""The referral pages: making a referral, its page for the sender and the receiver, answering it."""

from django.http import HttpResponse

from waymark.referrals.access import get_referral_for_user


def referral_detail(request, referral_uuid):
    referral, side = get_referral_for_user(request, referral_uuid)
    return HttpResponse(str(referral.state))
