"""Times the login page and ``GET /api/v1/me`` with a Bearer token.

    .venv/bin/python bench/bench_login_and_me.py [--requests 500] [--warmup 50] [--http]

Targets (p95, one request at a time, in-process on 2 cores): the login page under 50 ms,
/api/v1/me under 30 ms. The login page is the first page every member of staff opens, on
whatever connection they have; /api/v1/me is the cheapest authenticated API call, so it
shows what token authentication and the API layer cost on every call.
"""

import io

from harness import Bench

LOGIN_PAGE_P95_MS = 50
API_ME_P95_MS = 30


def seed():
    """A caseworker of one charity and an API token for their membership; returns the token."""
    from django.core.management import call_command

    from waymark.accounts.models import TOKEN_PREFIX, Membership, Organisation, Role, User

    organisation, _created = Organisation.objects.get_or_create(
        slug="bench-welcome-project", defaults={"name": "Bench Welcome Project"}
    )
    user = User.objects.filter(email="caseworker@bench.waymark").first()
    if user is None:
        user = User.objects.create_user("caseworker@bench.waymark", "bench-password-1234", name="Bench Caseworker")
    Membership.objects.get_or_create(user=user, organisation=organisation, defaults={"roles": [Role.CASEWORKER]})

    # Made the way an operator makes one: the command prints the token alone on standard
    # output, and what it is for on standard error.
    output, messages = io.StringIO(), io.StringIO()
    call_command("create_api_token", user.email, "--organisation", organisation.slug, stdout=output, stderr=messages)
    token = output.getvalue().strip()
    if not token.startswith(TOKEN_PREFIX):
        raise SystemExit(f"create_api_token printed no token:\n{output.getvalue()}{messages.getvalue()}")
    return token


def main():
    bench = Bench("Waymark: login page and /api/v1/me")
    token = seed()
    bench.add("GET /accounts/login/", "/accounts/login/", target_p95_ms=LOGIN_PAGE_P95_MS)
    bench.add("GET /ar/accounts/login/", "/ar/accounts/login/", target_p95_ms=LOGIN_PAGE_P95_MS)
    bench.add(
        "GET /api/v1/me (Bearer)",
        "/api/v1/me",
        headers={"Authorization": f"Bearer {token}"},
        target_p95_ms=API_ME_P95_MS,
    )
    bench.run()


if __name__ == "__main__":
    main()
