from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from waymark.accounts.access import ACTING_MEMBERSHIP_SESSION_KEY


def home(request):
    """The start page: for now a welcome and the way in; the service map takes it over."""
    return render(request, "home.html")


@login_required
@require_POST
def switch_organisation(request):
    """Act for another organisation the user is a member of (chosen in the header)."""
    wanted = request.POST.get("membership", "")
    chosen = next((m for m in request.memberships if str(m.uuid) == wanted), None)
    if chosen is None:
        messages.error(request, _("Choose one of your organisations."))
    else:
        request.session[ACTING_MEMBERSHIP_SESSION_KEY] = str(chosen.uuid)
        messages.success(request, _("You are now acting for %(organisation)s.") % {"organisation": chosen.organisation})
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "/"
    return redirect(next_url)
