"""The referrals pages; every name is ``referrals:<name>``.

Each part has its own URL module: signposting, suggested services, referrals (make, send, answer), and the lists,
the printable letter and its signed link.
"""

from waymark.referrals.inbox_urls import urlpatterns as inbox_urlpatterns
from waymark.referrals.referral_urls import urlpatterns as referral_urlpatterns
from waymark.referrals.signposting_urls import urlpatterns as signposting_urlpatterns
from waymark.referrals.suggestion_urls import urlpatterns as suggestion_urlpatterns

app_name = "referrals"

urlpatterns = [*signposting_urlpatterns, *inbox_urlpatterns, *suggestion_urlpatterns, *referral_urlpatterns]
