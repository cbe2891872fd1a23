"""The accounts part of the internal API: who is calling."""

from uuid import UUID

from ninja import Router, Schema

from waymark.accounts.access import platform_roles_for_user
from waymark.api import with_errors

router = Router(tags=["accounts"])


class UserOut(Schema):
    id: UUID
    email: str
    name: str


class NamedRef(Schema):
    """An organisation, network or area, by its public id, name and slug."""

    id: UUID
    name: str
    slug: str


class PlatformRoleOut(Schema):
    role: str
    # A directory editor or network lead holds the role for a network; a council officer for an area.
    network: NamedRef | None
    area: NamedRef | None


class MeOut(Schema):
    user: UserOut
    organisation: NamedRef | None
    roles: list[str]
    platform_roles: list[PlatformRoleOut]
    administrator: bool


def _ref(thing):
    return None if thing is None else {"id": thing.uuid, "name": thing.name, "slug": thing.slug}


@router.get("/me", response=with_errors(MeOut, 401, 403), summary="Who is calling")
def me(request):
    """The caller, the organisation they act for (a token's own membership, or the one chosen in
    the header) and the roles they hold there, their platform roles, and whether they are an
    administrator."""
    user = request.user
    membership = request.membership
    return {
        "user": {"id": user.uuid, "email": user.email, "name": user.name},
        "organisation": _ref(membership.organisation) if membership else None,
        "roles": list(membership.roles) if membership else [],
        "platform_roles": [
            {"role": role.kind, "network": _ref(role.network), "area": _ref(role.area)}
            for role in platform_roles_for_user(user)
        ],
        "administrator": user.is_superuser,
    }
