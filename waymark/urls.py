from allauth.account.decorators import secure_admin_login
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from waymark.accounts import views as account_views
from waymark.api import api
from waymark.directory.views import public as public_map_views
from waymark.ops import views as ops_views

admin.site.site_header = "Waymark"
admin.site.site_title = "Waymark admin"
# The admin's own login form would sign in with a password alone: no second factor and no
# limit on failed attempts. Everyone signs in through allauth's page instead.
admin.site.login = secure_admin_login(admin.site.login)

# Not translated: machines call these.
urlpatterns = [
    path("healthz", ops_views.healthz, name="healthz"),
    path("i18n/setlang/", public_map_views.choose_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    # Open Referral UK: open to everyone, no key (waymark/directory/oruk/).
    path("api/oruk/", include("waymark.directory.oruk.urls")),
]

# Pages people read: English at /…, other languages at /<lang>/… (or ?lang=<code>).
urlpatterns += i18n_patterns(
    # The public service map's search is everyone's start page (signed-in members see their
    # pages there too).
    path("", public_map_views.home, name="home"),
    path("accounts/email/", account_views.email_addresses_not_offered),
    path("accounts/", include("allauth.urls")),
    path("", include("waymark.accounts.urls")),
    path("", include("waymark.accounts.token_urls")),
    path("", include("waymark.audit.urls")),
    path("", include("waymark.directory.urls")),
    path("", include("waymark.people.urls")),
    path("", include("waymark.hubs.urls")),
    path("", include("waymark.casework.urls")),
    path("", include("waymark.referrals.urls")),
    prefix_default_language=False,
)

handler403 = "waymark.ops.views.forbidden"
handler404 = "waymark.ops.views.not_found"
handler500 = "waymark.ops.views.server_error"
