"""Small builders for the people tests."""

from waymark.people.actions import do_register_person
from waymark.people.models import Consent


def make_person(organisation, display_name="Amina", *, by, contact_consent=False, **details):
    """A person registered through the action, with their consent to keep their details."""
    return do_register_person(
        organisation,
        acting_user=by,
        display_name=display_name,
        consent_how=Consent.How.SPOKEN,
        privacy_notice_language="en",
        contact_consent=contact_consent,
        **details,
    )
