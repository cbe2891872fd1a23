"""The referrals pages; every name is ``referrals:<name>``.

Each part has its own URL module: signposting, referrals (make, send, answer, follow) and the
referral letter's signed link.
"""

from waymark.referrals.referral_urls import urlpatterns as referral_urlpatterns
from waymark.referrals.signposting_urls import urlpatterns as signposting_urlpatterns

app_name = "referrals"

urlpatterns = [*signposting_urlpatterns, *referral_urlpatterns]
