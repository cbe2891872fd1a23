"""The referral pages: being replaced by the full pages in this session (see the pages brief)."""

from django.http import HttpResponse

from waymark.referrals.access import get_referral_for_user, referral_from_letter_token


def referral_detail(request, referral_uuid):
    referral, side = get_referral_for_user(request, referral_uuid)
    return HttpResponse(str(referral.state))


def letter_link(request, token):
    referral = referral_from_letter_token(token)
    return HttpResponse(str(referral.state))
