"""The referral letter: printable for the sender, and its signed link for the service."""

from django.http import HttpResponse

from waymark.referrals.access import referral_from_letter_token


def letter_link(request, token):
    referral = referral_from_letter_token(token)
    return HttpResponse(str(referral.state))
