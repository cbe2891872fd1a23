"""A concern in a browser: a volunteer raises it from the form, the safeguarding lead triages,
escalates and closes it; axe finds nothing on the raise page (with and without errors), the
concern page with the lead's forms, and the dashboard, in English and in Arabic."""

import re

import pytest

from waymark.accounts.models import Membership, NationalBody, Organisation, Role, User
from waymark.casework.models import SafeguardingConcern
from waymark.people.tests.helpers import make_person

pytestmark = pytest.mark.browser


@pytest.fixture
def world():
    org = Organisation.objects.create(name="Croal Valley Welcome Project", slug="croal-valley")
    volunteer = User.objects.create_user(email="volunteer@example.org", password="x")
    Membership.objects.create(user=volunteer, organisation=org, roles=[Role.VOLUNTEER])
    lead = User.objects.create_user(email="lead@example.org", password="x", name="Lena Lead")
    Membership.objects.create(user=lead, organisation=org, roles=[Role.SAFEGUARDING_LEAD])
    # A transactional test may run after another has emptied the seeded reference data.
    NationalBody.objects.get_or_create(
        slug="serco", defaults={"name": "Serco", "kind": NationalBody.Kind.ACCOMMODATION_PROVIDER}
    )
    person = make_person(org, "Amina", by=volunteer)
    return {"volunteer": volunteer, "lead": lead, "person": person}


@pytest.mark.parametrize("code", ["en", "ar"])
def test_raise_triage_escalate_close(page, live_server, assert_accessible, sign_in, world, code):
    prefix = "" if code == "en" else f"/{code}"
    sign_in(page.context, world["volunteer"])
    page.goto(f"{live_server.url}{prefix}/people/{world['person'].uuid}/concerns/new/")
    assert_accessible(page)
    # Sent with nothing chosen: the error summary, still accessible.
    page.locator("form[novalidate] button[type=submit]").click()
    assert page.locator(".error-summary").count() == 1
    assert_accessible(page)
    page.select_option("#id_category", "suicide_self_harm")
    page.fill("#id_what_happened", "He said he has been saving his tablets.")
    page.check("input[name=urgency][value=immediate]")
    page.locator("form[novalidate] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/safeguarding/concerns/[0-9a-f-]+/$"))
    concern = SafeguardingConcern.objects.get()
    assert "saving his tablets" in page.content()
    assert_accessible(page)

    page.context.clear_cookies()
    sign_in(page.context, world["lead"])
    page.goto(f"{live_server.url}{prefix}/safeguarding/")
    assert str(concern.uuid) in page.content()
    assert_accessible(page)
    page.goto(f"{live_server.url}{prefix}/safeguarding/concerns/{concern.uuid}/")
    assert_accessible(page)
    page.check("input[name=triage-decision][value=act]")
    page.fill("#id_triage-reason", "Risk to life: act today.")
    page.locator("#triage ~ form button[type=submit]").click()
    page.wait_for_load_state()
    page.select_option("#id_escalation-to", "accommodation_provider")
    page.select_option("#id_escalation-national_body", label="Serco")
    page.check("input[name=escalation-with_consent][value=no]")
    page.locator("#escalate ~ form button[type=submit]").click()
    # Without consent and without a reason: refused, with the error shown accessibly.
    assert page.locator(".error-summary").count() == 1
    assert_accessible(page)
    page.fill("#id_escalation-no_consent_reason", "Asking would put him at risk.")
    page.check("input[name=escalation-with_consent][value=no]")
    page.locator("#escalate ~ form button[type=submit]").click()
    page.wait_for_load_state()
    page.select_option("#id_close-outcome", "handed_to_statutory")
    page.locator("#close ~ form button[type=submit]").click()
    page.wait_for_load_state()
    concern.refresh_from_db()
    assert concern.status == "closed"
    assert list(concern.escalations.values_list("to", flat=True)) == ["accommodation_provider"]
    assert "Serco" in page.content()
    assert_accessible(page)
