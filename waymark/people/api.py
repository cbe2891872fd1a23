"""The people part of the internal API (/api/v1/): finding and registering people.

The same doors as the pages (``people.access``): the caller acts for one organisation and sees
only its people; a member with no role, or anyone asking for a person of another organisation,
gets 404. Answers carry what every role may see (the name to call them by, card reference,
languages, contact preferences), never the encrypted details.
"""

import datetime as dt
from uuid import UUID

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema, Status

from waymark.api import ApiError, with_errors
from waymark.people import access, actions
from waymark.people.models import Consent, Gender
from waymark.people.search import find_duplicates, find_people

router = Router(tags=["people"])

MAX_LIMIT = 50


class PersonOut(Schema):
    id: UUID
    display_name: str
    reference: str = Field(description="The card reference, 8 letters and digits.")
    languages: list[str] = Field(description="Language codes, the one they speak best first.")
    interpreter_needed: bool
    may_contact: bool = Field(description="Not “do not contact”, and an active consent to be contacted.")
    may_call: bool
    may_text: bool
    contact_language: str
    registered_at: dt.datetime


class PersonCreatedOut(PersonOut):
    possible_duplicates: list[UUID] = Field(
        description="People of the organisation who may be the same person (same phone, date of birth, similar name)."
    )


class PersonIn(Schema):
    display_name: str = Field(min_length=1, max_length=100, description="A first name or nickname is enough.")
    consent_how: Consent.How = Field(description="How they agreed that their details are kept.")
    privacy_notice_language: str = Field("", max_length=10)
    contact_consent: bool = Field(False, description="They agree to be contacted (welfare calls and messages).")
    full_name: str = Field("", max_length=300)
    date_of_birth: dt.date | None = None
    dob_estimated: bool = False
    phone: str = Field("", max_length=40)
    gender: Gender | None = None
    languages: list[str] = []
    interpreter_needed: bool = False
    may_call: bool = False
    may_text: bool = False
    contact_language: str = Field("", max_length=10)
    do_not_contact: bool = False


def _out(person, **extra):
    return {
        "id": person.uuid,
        "display_name": person.display_name,
        "reference": person.reference,
        "languages": person.languages,
        "interpreter_needed": person.interpreter_needed,
        "may_contact": person.may_contact(),
        "may_call": person.may_call,
        "may_text": person.may_text,
        "contact_language": person.contact_language,
        "registered_at": person.registered_at,
        **extra,
    }


@router.get("/people", response=with_errors(list[PersonOut], 401, 404), summary="Find people")
def list_people(request, search: str = "", limit: int = Query(20, ge=1, le=MAX_LIMIT)):
    """People of the organisation acted for: matching ``search`` (a few letters of a name, a card
    reference, a full phone number or a date of birth, typos forgiven), or the most recently
    registered when there is no search."""
    membership = access.require_membership(request)
    people = access.people_for_membership(membership).with_contact_consent()
    if search.strip():
        found = find_people(membership.organisation, search, limit, people=people)
    else:
        found = list(people.order_by("-registered_at", "-id")[:limit])
    return [_out(person) for person in found]


@router.get("/people/{person_id}", response=with_errors(PersonOut, 401, 404), summary="One person")
def get_person(request, person_id: UUID):
    person = access.get_person_for_user(request, None, person_id, what="api")
    return _out(person)


@router.post("/people", response=with_errors(PersonCreatedOut, 401, 403, 404, 422, ok=201), summary="Register a person")
def register_person(request, payload: PersonIn):
    """Register a person of the organisation acted for, with their consent to keep their details.
    Registers even when someone similar exists; ``possible_duplicates`` lists them."""
    membership = access.require_membership(request)
    data = payload.dict()
    data["gender"] = data["gender"] or ""
    display_name = data.pop("display_name")
    duplicates = find_duplicates(
        membership.organisation,
        display_name=display_name,
        phone=data["phone"],
        date_of_birth=data["date_of_birth"],
        people=access.people_for_membership(membership),
    )
    try:
        person = actions.do_register_person(
            membership.organisation, acting_user=request.user, display_name=display_name, **data
        )
    except ValidationError as error:
        errors = [
            {"loc": ["body", "payload", field], "msg": str(message), "type": "value_error"}
            for field, messages in getattr(error, "message_dict", {"__all__": error.messages}).items()
            for message in messages
        ]
        raise ApiError(422, "invalid", _("The request is not valid."), errors=errors) from None
    return Status(201, _out(person, possible_duplicates=[duplicate.person.uuid for duplicate in duplicates]))
