"""An assessment in a browser: a caseworker fills in the form (sent once with a mistake), ticks
a risk of suicide, and the result page says a concern was raised and the leads told, with a
link that opens it; axe finds nothing on the form (with and without errors), the assessment
page or the history, in English and in Arabic."""

import re

import pytest

from waymark.accounts.models import Membership, Organisation, Role, User
from waymark.casework.models import Assessment, RiskRule, SafeguardingConcern
from waymark.directory.needs import load_needs_taxonomy
from waymark.people.tests.helpers import make_person

pytestmark = pytest.mark.browser


@pytest.fixture
def world():
    # A transactional test may run after another has emptied the seeded reference data.
    load_needs_taxonomy()
    RiskRule.objects.get_or_create(
        kind="indicator",
        indicator="suicide_risk",
        valid_from="2024-01-01",
        defaults={"level": "critical", "source": "Test policy"},
    )
    org = Organisation.objects.create(name="Croal Valley Welcome Project", slug="croal-valley")
    caseworker = User.objects.create_user(email="caseworker@example.org", password="x")
    Membership.objects.create(user=caseworker, organisation=org, roles=[Role.CASEWORKER, Role.SAFEGUARDING_LEAD])
    person = make_person(org, "Amina", by=caseworker)
    return {"caseworker": caseworker, "person": person}


@pytest.mark.parametrize("code", ["en", "ar"])
def test_assess_with_a_risk_of_suicide(page, live_server, assert_accessible, sign_in, world, code):
    prefix = "" if code == "en" else f"/{code}"
    person = world["person"]
    sign_in(page.context, world["caseworker"])
    page.goto(f"{live_server.url}{prefix}/people/{person.uuid}/assessments/new/")
    assert_accessible(page)
    page.select_option("#id_need_housing", "immediate")
    page.fill("#id_life_satisfaction", "12")
    page.locator("form[novalidate] button[type=submit]").click()
    assert page.locator(".error-summary").count() == 1
    assert_accessible(page)
    page.fill("#id_life_satisfaction", "2")
    page.check("input[name=indicators][value=suicide_risk]")
    page.fill("#id_notes", "He said he has been saving his tablets.")
    page.locator("form[novalidate] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/assessments/[0-9a-f-]+/$"))
    assessment = Assessment.objects.get()
    concern = SafeguardingConcern.objects.get()
    assert concern.assessment == assessment
    assert f"/safeguarding/concerns/{concern.uuid}/" in page.content()
    assert "saving his tablets" in page.content()
    assert_accessible(page)
    page.goto(f"{live_server.url}{prefix}/people/{person.uuid}/assessments/")
    assert_accessible(page)
    page.goto(f"{live_server.url}{prefix}/assessments/{assessment.uuid}/")
    page.locator(f"a[href$='/safeguarding/concerns/{concern.uuid}/']").click()
    # The link opens the concern itself (its page is the safeguarding part's).
    page.wait_for_url(re.compile(rf"/safeguarding/concerns/{concern.uuid}/$"))
    assert page.title() != ""
