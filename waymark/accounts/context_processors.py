def acting_organisation(request):
    """The organisation acted for and the others the user could switch to, for the header."""
    return {
        "acting_membership": getattr(request, "membership", None),
        "memberships": getattr(request, "memberships", []),
    }
