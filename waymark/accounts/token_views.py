"""Pages where signed-in users list, make and revoke their own API tokens."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from waymark.accounts.token_forms import ApiTokenForm
from waymark.accounts.tokens import create_api_token, get_token_for_user, revoke_api_token, tokens_for_user


@login_required
@require_safe
def token_list(request):
    """The user's own tokens, revoked ones included, so that they can see what was used when."""
    return render(request, "accounts/tokens/list.html", {"tokens": tokens_for_user(request.user)})


@login_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def token_create(request):
    """Make a token for one of the user's memberships; the next page shows it, once."""
    if not request.memberships:
        return render(request, "accounts/tokens/no_membership.html")
    form = ApiTokenForm(
        request.POST or None,
        memberships=request.memberships,
        initial={"membership": str(request.membership.uuid)},
    )
    if request.method == "POST" and form.is_valid():
        token, secret = create_api_token(
            form.cleaned_data["membership"],
            acting_user=request.user,
            name=form.cleaned_data["name"],
            read_only=form.cleaned_data["read_only"],
        )
        # Shown in the answer to the POST, not after a redirect, so that the token is never
        # stored (not even in the session); never_cache keeps it out of caches and history.
        return render(request, "accounts/tokens/created.html", {"token": token, "secret": secret})
    return render(request, "accounts/tokens/create.html", {"form": form})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def token_revoke(request, token_uuid):
    """Ask, then revoke one of the user's own tokens. Anyone else's is a 404."""
    token = get_token_for_user(request.user, token_uuid)
    if request.method == "POST":
        if revoke_api_token(token, acting_user=request.user):
            messages.success(request, _("The token %(prefix)s… is revoked.") % {"prefix": token.prefix})
        else:
            messages.info(request, _("The token %(prefix)s… was already revoked.") % {"prefix": token.prefix})
        return redirect("api_tokens:list")
    return render(request, "accounts/tokens/revoke.html", {"token": token})
