"""A referral end to end in a browser: a caseworker at one hub refers a person to a legal-advice
service of another organisation; that organisation's caseworker opens it, accepts it and records
the outcome; the sender sees the outcome and the history. axe finds nothing on the referral
pages, in English and in Arabic (right to left)."""

import datetime as dt
import re

import pytest

from waymark.accounts.models import Membership, Organisation, Role, User
from waymark.directory.models import Organization, Service
from waymark.directory.models.base import IMMIGRATION_ADVICE_SLUG
from waymark.directory.needs import load_needs_taxonomy
from waymark.people.models import JourneyRecord
from waymark.people.tests.helpers import make_person
from waymark.referrals.models import Referral
from waymark.referrals.tests.helpers import ensure_policy_rows

pytestmark = pytest.mark.browser


@pytest.fixture
def world():
    # A transactional test may run after another has emptied the seeded reference data.
    load_needs_taxonomy()
    ensure_policy_rows()
    hub = Organisation.objects.create(name="Croal Valley Welcome Project", slug="croal-valley")
    sender = User.objects.create_user(email="caseworker@example.org", password="x", name="Cass Worker")
    Membership.objects.create(user=sender, organisation=hub, roles=[Role.CASEWORKER])
    legal = Organisation.objects.create(name="Medlock Immigration Advice Centre", slug="medlock")
    adviser = User.objects.create_user(email="adviser@example.org", password="x", name="Ada Adviser")
    Membership.objects.create(
        user=adviser, organisation=legal, roles=[Role.CASEWORKER], adviser_regulator="oisc", adviser_oisc_level=2
    )
    listing = Organization.objects.create(
        name="Medlock Immigration Advice Centre", description="Free immigration advice.", waymark_organisation=legal
    )
    clinic = Service.objects.create(
        organization=listing,
        name="Asylum appeals clinic",
        accepts_waymark_referrals=True,
        advice_regulator="oisc",
        advice_oisc_level=2,
        for_seeking_asylum=True,
    )
    person = make_person(hub, "Amina", by=sender, phone="+447700900123", languages=["ar"])
    JourneyRecord.objects.create(
        person=person, stage="refused", since=dt.date.today() - dt.timedelta(days=10), recorded_by=sender
    )
    return {"sender": sender, "adviser": adviser, "clinic": clinic, "person": person}


def test_a_hub_refers_to_a_legal_service_which_accepts_and_completes_it(
    page, live_server, assert_accessible, sign_in, world
):
    person, clinic = world["person"], world["clinic"]
    sign_in(page.context, world["sender"])
    page.goto(
        f"{live_server.url}/referrals/new/?person={person.uuid}&service={clinic.id}&need={IMMIGRATION_ADVICE_SLUG}"
    )
    assert_accessible(page)
    page.check(f"input[type=radio][name=service][value='{clinic.id}']")
    page.fill("textarea[name=notes_excerpt]", "Refused on 1 December; appeal deadline in 14 days.")
    page.check("input[name=scope][value=contact_details]")
    page.check("input[name=scope][value=case_notes]")
    page.check("input[name=how][value=spoken_with_interpreter]")
    page.get_by_role("button", name="Save the draft").click()
    page.wait_for_url(re.compile(r"/referrals/[0-9a-f-]+/$"))
    referral = Referral.objects.get()
    assert referral.state == "draft" and referral.consent.scope == ["contact_details", "case_notes"]
    assert_accessible(page)
    page.get_by_role("button", name="Send the referral").click()
    page.wait_for_load_state()
    referral.refresh_from_db()
    assert referral.state == "sent" and referral.delivery == "inbox"

    # The legal service's caseworker opens it: received, and only what was consented shows.
    page.context.clear_cookies()
    sign_in(page.context, world["adviser"])
    page.goto(f"{live_server.url}/referrals/{referral.uuid}/")
    assert_accessible(page)
    body = page.locator("main").inner_text()
    assert "+447700900123" in body and "appeal deadline in 14 days" in body
    referral.refresh_from_db()
    assert referral.state == "received"
    page.get_by_role("button", name="Accept").click()
    page.wait_for_load_state()
    page.check("input[name=completed][value=yes]")
    page.select_option("select[name=outcome]", "support_given")
    page.fill("#complete_text", "Appeal lodged with the tribunal.")
    page.get_by_role("button", name="Record the outcome").click()
    page.wait_for_load_state()
    referral.refresh_from_db()
    assert referral.state == "completed" and referral.outcome == "support_given"
    assert_accessible(page)

    # The sender sees the outcome and how it got there, in English and in Arabic.
    page.context.clear_cookies()
    sign_in(page.context, world["sender"])
    page.goto(f"{live_server.url}/referrals/{referral.uuid}/")
    body = page.locator("main").inner_text()
    assert "Completed" in body and "Appeal lodged with the tribunal." in body
    assert_accessible(page)
    page.goto(f"{live_server.url}/ar/referrals/{referral.uuid}/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert_accessible(page)
    page.goto(f"{live_server.url}/referrals/")
    assert "Asylum appeals clinic" in page.locator("main").inner_text()
    assert_accessible(page)


def test_a_letter_to_a_service_not_on_waymark_its_signed_link_and_the_lists(
    page, live_server, assert_accessible, sign_in, world
):
    from waymark.referrals import flow
    from waymark.referrals.access import letter_token

    sender = world["sender"]
    listing = Organization.objects.create(name="Orrell Food Bank", description="Food parcels.")
    food_bank = Service.objects.create(organization=listing, name="Food parcels", email="help@food.test")
    referral = flow.do_create_referral(
        organisation=world["person"].organisation, person=world["person"], service=food_bank, acting_user=sender
    )
    flow.do_record_consent(
        referral,
        scope=["contact_details"],
        how="spoken",
        language="ar",
        acting_user=sender,
        organisation=referral.organisation,
    )
    referral = flow.do_send_referral(referral, acting_user=sender, organisation=referral.organisation)
    assert referral.delivery == "letter"

    sign_in(page.context, sender)
    page.goto(f"{live_server.url}/referrals/{referral.uuid}/letter/")
    assert "Food parcels" in page.locator("main").inner_text()
    assert_accessible(page)

    # The food bank opens the e-mailed link without an account: only what was consented.
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/r/{letter_token(referral)}/")
    body = page.locator("main").inner_text()
    assert "Amina" in body and "+447700900123" in body
    assert_accessible(page)
    referral.refresh_from_db()
    assert referral.state == "received"

    sign_in(page.context, world["adviser"])
    page.goto(f"{live_server.url}/referrals/incoming/")
    assert_accessible(page)
