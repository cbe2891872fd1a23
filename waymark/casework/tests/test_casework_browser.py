"""Casework end to end in a browser: a caseworker assesses a person and answers that they are at
risk of suicide; the concern that raises reaches the organisation's safeguarding lead, who
triages and escalates it. Then the case pages, caseloads and a person's rights pages: axe finds
nothing on any of them, in English and in Arabic (right to left)."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from waymark.accounts.models import Membership, Organisation, Role, User
from waymark.casework import cases, parts
from waymark.casework.models import RiskRule, SafeguardingConcern
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
    caseworker = User.objects.create_user(email="caseworker@example.org", password="x", name="Cass Worker")
    Membership.objects.create(user=caseworker, organisation=org, roles=[Role.CASEWORKER])
    lead = User.objects.create_user(email="lead@example.org", password="x", name="Lena Lead")
    Membership.objects.create(
        user=lead, organisation=org, roles=[Role.COORDINATOR, Role.SAFEGUARDING_LEAD, Role.ORGANISATION_ADMIN]
    )
    person = make_person(org, "Amina", by=caseworker)
    return {"caseworker": caseworker, "lead": lead, "person": person, "org": org}


def test_an_assessment_with_suicide_risk_reaches_the_lead_who_triages_and_escalates(
    page, live_server, assert_accessible, sign_in, world
):
    person = world["person"]
    sign_in(page.context, world["caseworker"])
    page.goto(f"{live_server.url}/people/{person.uuid}/")
    page.get_by_role("link", name="Assess now").click()
    assert_accessible(page)
    page.select_option("#id_need_mental-health", "immediate")
    page.check("input[name=indicators][value=suicide_risk]")
    page.fill("#id_notes", "He said he has been saving his tablets.")
    page.locator("form[novalidate] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/assessments/[0-9a-f-]+/$"))
    concern = SafeguardingConcern.objects.get()
    assert concern.category == "suicide_self_harm" and concern.urgency == "immediate"
    assert concern.person == person and concern.status == "raised"
    # The lead was told at once.
    assert concern.current_lead == world["lead"]

    page.context.clear_cookies()
    sign_in(page.context, world["lead"])
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Safeguarding concerns").click()
    page.locator(f"a[href$='/safeguarding/concerns/{concern.uuid}/']").first.click()
    page.wait_for_url(re.compile(rf"/safeguarding/concerns/{concern.uuid}/$"))
    assert_accessible(page)
    page.check("input[name=triage-decision][value=act]")
    page.fill("#id_triage-reason", "Risk to life: act today.")
    page.locator("#triage ~ form button[type=submit]").click()
    page.wait_for_load_state()
    page.select_option("#id_escalation-to", "council_adults")
    page.check("input[name=escalation-with_consent][value=yes]")
    page.locator("#escalate ~ form button[type=submit]").click()
    page.wait_for_load_state()
    concern.refresh_from_db()
    assert concern.status == "triaged" and concern.decision == "act"
    assert list(concern.escalations.values_list("to", "with_consent")) == [("council_adults", True)]
    assert_accessible(page)


@pytest.mark.parametrize("code", ["en", "ar"])
def test_the_case_and_rights_pages_are_accessible(page, live_server, assert_accessible, sign_in, world, code):
    lead, caseworker, person = world["lead"], world["caseworker"], world["person"]
    case = cases.do_open_case(person, acting_user=lead, title="Move-on support", owner=caseworker)
    cases.do_add_note(case, acting_user=caseworker, kind="phone", text="Called about the NASS letter.")
    cases.do_add_action(
        case,
        acting_user=caseworker,
        description="Book the Universal Credit appointment",
        owner=caseworker,
        due_on=timezone.localdate() - dt.timedelta(days=2),
    )
    parts.do_add_goal(case, acting_user=caseworker, description="A safe place to live after the move-on period")
    sign_in(page.context, lead)
    prefix = "" if code == "en" else f"/{code}"
    for path in (
        f"/cases/{case.uuid}/",
        f"/cases/{case.uuid}/plan/",
        f"/cases/{case.uuid}/immigration/",
        f"/cases/{case.uuid}/attachments/",
        f"/people/{person.uuid}/cases/",
        "/cases/mine/",
        "/cases/overdue/",
        "/cases/team/",
        f"/people/{person.uuid}/rights/",
        f"/people/{person.uuid}/subject-access/",
        f"/people/{person.uuid}/erase/",
        "/safeguarding/",
    ):
        page.goto(live_server.url + prefix + path)
        assert page.locator("h1").count() == 1, path
        assert_accessible(page)
