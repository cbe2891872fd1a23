"""Add your organisation: the editors' review, approval and rejection."""

from django.core import mail
from django.core.exceptions import ValidationError

from waymark.accounts.actions import do_accept_invitation
from waymark.accounts.models import Invitation, Organisation, PlatformRole, Role
from waymark.audit.models import Event
from waymark.directory.actions import IllegalTransition
from waymark.directory.actions.registration import (
    do_approve_registration,
    do_reject_registration,
    do_submit_registration,
)
from waymark.directory.models import (
    Location,
    OrganisationRegistration,
    Organization,
    OrganizationIdentifier,
    Service,
    ServiceArea,
    TaxonomyTerm,
)
from waymark.testing import BaseTestCase, make_area, make_network, make_user


def service_dict(name="Tuesday drop-in", **changes):
    """A first service as the form stores it: listing data with its ``where``."""
    data = {
        "name": name,
        "alternate_name": "",
        "description": "Hot food, clothes and someone to talk to.",
        "url": "",
        "email": "",
        "phone": "01204 555 0102",
        "application_process": "Just come in.",
        "fees_description": "",
        "free": True,
        "eligibility_description": "",
        "minimum_age": None,
        "maximum_age": None,
        "for": ["seeking_asylum"],
        "gender": "any",
        "for_families": False,
        "for_lgbt": False,
        "access": ["drop_in"],
        "accepts_waymark_referrals": False,
        "interpreters_available": False,
        "languages": ["en", "ar"],
        "needs": ["food"],
        "advice_regulator": "",
        "advice_registration_number": "",
        "advice_oisc_level": None,
        "documents": [],
        "location": "",
        "opening_times": [{"days": ["TU"], "opens_at": "10:00", "closes_at": "13:00"}],
        "opening_times_note": "",
        "where": {
            "address_1": "12 Deane Road",
            "city": "Bolton",
            "postal_code": "BL3 5AA",
            "address_hidden": False,
            "area": "",
        },
    }
    data.update(changes)
    return data


ADVICE_SERVICE = {
    "needs": ["immigration-advice"],
    "access": ["appointment"],
    "advice_regulator": "oisc",
    "advice_registration_number": "F201900123",
    "advice_oisc_level": 2,
    "opening_times": [],
    "where": {"address_1": "", "city": "", "postal_code": "", "address_hidden": False, "area": "salford"},
}


def submit(area, *, name="Deane Road Sanctuary", services=None, language="en", **details):
    values = {
        "name": name,
        "description": "A weekly welcome with food, advice and English classes.",
        "kind": Organisation.Kind.FAITH_GROUP,
        "area": area,
        "website": "https://deane-road.example.org",
        "email": "hello@deane-road.example.org",
        "phone": "01204 555 0101",
        "charity_number": "1123456",
        "data_sharing_with_authorities": Organization.DataSharing.NEVER_WITHOUT_CONSENT,
        "contact_name": "Amina Yusuf",
        "contact_email": "amina@deane-road.example.org",
        "contact_role": "Coordinator",
        **details,
    }
    return do_submit_registration(values, services or [service_dict()], language=language)


class ApproveRegistrationTestCase(BaseTestCase):
    def setUp(self):
        self.registration = submit(
            self.bolton, services=[service_dict(), service_dict("Immigration advice clinic", **ADVICE_SERVICE)]
        )
        mail.outbox.clear()
        self.organisations_before = Organisation.objects.count()

    def approve(self, registration=None, user=None):
        with self.captureOnCommitCallbacks(execute=True):
            return do_approve_registration(registration or self.registration, acting_user=user or self.editor)

    def test_it_creates_the_waymark_organisation(self):
        self.approve()
        self.assertEqual(Organisation.objects.count(), self.organisations_before + 1)
        organisation = Organisation.objects.get(name="Deane Road Sanctuary")
        self.assertEqual(organisation.slug, "deane-road-sanctuary")
        self.assertEqual(organisation.kind, Organisation.Kind.FAITH_GROUP)
        self.assertEqual(organisation.charity_number, "1123456")
        self.assertEqual(list(organisation.areas.all()), [self.bolton])
        self.assertEqual(list(organisation.networks.all()), [self.network])

    def test_it_creates_the_directory_organisation_linked_to_it(self):
        registration = self.approve()
        organization = Organization.objects.get(name="Deane Road Sanctuary")
        self.assertEqual(registration.organization, organization)
        self.assertEqual(organization.waymark_organisation, Organisation.objects.get(name="Deane Road Sanctuary"))
        self.assertEqual(organization.network, self.network)
        self.assertEqual(organization.data_sharing_with_authorities, "never_without_consent")
        self.assertEqual(organization.website, "https://deane-road.example.org")
        self.assertEqual([phone.number for phone in organization.phones.all()], ["01204 555 0101"])
        identifier = OrganizationIdentifier.objects.get(organization=organization)
        self.assertEqual(
            (identifier.identifier_scheme, identifier.identifier_type, identifier.identifier),
            ("GB-CHC", "Charity number", "1123456"),
        )

    def test_it_creates_its_first_services_public_at_once(self):
        self.approve()
        organization = Organization.objects.get(name="Deane Road Sanctuary")
        services = list(Service.objects.filter(organization=organization).order_by("name"))
        self.assertEqual([service.name for service in services], ["Immigration advice clinic", "Tuesday drop-in"])
        advice, drop_in = services
        for service in services:
            self.assertEqual(service.status, Service.Status.ACTIVE)
            self.assertIsNotNone(service.verified_at)
            self.assertEqual(service.verified_by, self.editor)
            self.assertEqual(service.verification_method, Service.VerificationMethod.SELF_CONFIRMED)
        self.assertEqual(set(Service.objects.public().filter(organization=organization)), set(services))
        self.assertEqual(list(drop_in.needs().values_list("slug", flat=True)), ["food"])
        self.assertEqual(sorted(drop_in.languages.values_list("code", flat=True)), ["ar", "en"])
        self.assertTrue(drop_in.access_drop_in and drop_in.for_seeking_asylum)
        self.assertEqual(drop_in.schedules.get().byday, "TU")
        self.assertIn("tuesday", drop_in.search_text)
        self.assertEqual((advice.advice_regulator, advice.advice_oisc_level), ("oisc", 2))
        self.assertEqual(advice.advice_registration_number, "F201900123")

    def test_it_makes_a_location_for_an_address_and_a_service_area_otherwise(self):
        self.approve()
        location = Location.objects.get(organization__name="Deane Road Sanctuary")
        address = location.addresses.get()
        self.assertEqual((address.address_1, address.city, address.postal_code), ("12 Deane Road", "Bolton", "BL3 5AA"))
        self.assertEqual(location.area, self.bolton)
        self.assertIsNotNone(location.latitude)
        drop_in = Service.objects.get(name="Tuesday drop-in", organization__name="Deane Road Sanctuary")
        self.assertEqual(list(drop_in.service_at_locations.values_list("location", flat=True)), [location.id])
        advice = Service.objects.get(name="Immigration advice clinic")
        self.assertFalse(advice.service_at_locations.exists())
        self.assertEqual(list(ServiceArea.objects.filter(service=advice).values_list("name", flat=True)), ["Salford"])

    def test_it_invites_the_contact_as_first_admin_and_coordinator(self):
        self.approve()
        invitation = Invitation.objects.get(organisation__name="Deane Road Sanctuary")
        self.assertEqual(invitation.email, "amina@deane-road.example.org")
        self.assertEqual(invitation.roles, [Role.COORDINATOR, Role.ORGANISATION_ADMIN])
        self.assertEqual(invitation.invited_by, self.editor)
        self.assertEqual(len(mail.outbox), 2)
        invitation_mail = next(message for message in mail.outbox if "invited" in message.subject)
        self.assertEqual(invitation_mail.to, ["amina@deane-road.example.org"])
        self.assertIn("/invitations/", invitation_mail.body)
        approved = next(message for message in mail.outbox if message is not invitation_mail)
        self.assertEqual(approved.subject, "Deane Road Sanctuary is on the service map")
        self.assertIn("- Tuesday drop-in", approved.body)

    def test_the_contact_can_accept_and_then_keep_the_listings(self):
        self.approve()
        invitation = Invitation.objects.get(organisation__name="Deane Road Sanctuary")
        self.assertTrue(invitation.inviter_is_still_admin())
        membership = do_accept_invitation(invitation, name="Amina Yusuf", password="a-long-password-1234")
        self.assertEqual(membership.roles, [Role.COORDINATOR, Role.ORGANISATION_ADMIN])
        self.login(membership.user)
        response = self.client.get("/organisation/listings/")
        self.assertContains(response, "Tuesday drop-in")
        self.assertContains(response, "Immigration advice clinic")

    def test_the_invitation_stops_working_when_the_editor_no_longer_edits_for_the_network(self):
        self.approve()
        PlatformRole.objects.filter(user=self.editor).delete()
        invitation = Invitation.objects.get(organisation__name="Deane Road Sanctuary")
        self.assertFalse(invitation.inviter_is_still_admin())

    def test_it_marks_the_registration_approved(self):
        self.approve()
        self.registration.refresh_from_db()
        self.assertEqual(self.registration.status, OrganisationRegistration.Status.APPROVED)
        self.assertEqual(self.registration.decided_by, self.editor)
        self.assertIsNotNone(self.registration.decided_at)

    def test_it_audits_each_step(self):
        self.approve()
        organisation = Organisation.objects.get(name="Deane Road Sanctuary")
        actions = list(Event.objects.filter(actor=self.editor).order_by("id").values_list("action", flat=True))
        self.assertEqual(
            actions,
            [
                "organisation.created",
                "directory.organization_created",
                "invitation.sent",
                "directory.registration_approved",
            ],
        )
        event = Event.objects.get(action="directory.registration_approved")
        self.assertEqual(event.organisation, organisation)
        self.assertEqual(len(event.details["services"]), 2)
        self.assertNotIn("amina", str(event.details))

    def test_it_takes_a_company_number_as_such(self):
        registration = submit(self.bolton, name="Moss Side Legal Ltd", charity_number="01234567")
        self.approve(registration)
        organisation = Organisation.objects.get(name="Moss Side Legal Ltd")
        self.assertEqual((organisation.charity_number, organisation.company_number), ("", "01234567"))
        identifier = OrganizationIdentifier.objects.get(organization__name="Moss Side Legal Ltd")
        self.assertEqual((identifier.identifier_scheme, identifier.identifier_type), ("GB-COH", "Company number"))

    def test_it_keeps_a_number_it_cannot_place_without_a_scheme(self):
        registration = submit(self.bolton, name="Glasgow Welcome", charity_number="SC012345")
        self.approve(registration)
        identifier = OrganizationIdentifier.objects.get(organization__name="Glasgow Welcome")
        self.assertEqual((identifier.identifier_scheme, identifier.identifier), ("", "SC012345"))
        organisation = Organisation.objects.get(name="Glasgow Welcome")
        self.assertEqual((organisation.charity_number, organisation.company_number), ("", ""))

    def test_it_gives_a_new_slug_when_the_name_is_taken(self):
        registration = submit(self.bolton, name="Croal Valley Welcome Project")
        self.approve(registration)
        self.assertEqual(
            sorted(Organisation.objects.filter(name="Croal Valley Welcome Project").values_list("slug", flat=True)),
            ["croal-valley-welcome-project", "croal-valley-welcome-project-2"],
        )

    def test_it_writes_nothing_when_a_service_no_longer_passes(self):
        TaxonomyTerm.objects.filter(slug="food").update(slug="food-and-meals")
        with self.assertRaises(ValidationError) as raised:
            self.approve()
        self.assertIn("Service 1 could not be added", raised.exception.messages[0])
        self.assertEqual(Organisation.objects.count(), self.organisations_before)
        self.assertFalse(Organization.objects.filter(name="Deane Road Sanctuary").exists())
        self.assertFalse(Invitation.objects.exists())
        self.assertEqual(mail.outbox, [])
        self.registration.refresh_from_db()
        self.assertEqual(self.registration.status, OrganisationRegistration.Status.PENDING)

    def test_it_cannot_approve_twice(self):
        self.approve()
        with self.assertRaises(IllegalTransition):
            self.approve()
        self.assertEqual(Organisation.objects.count(), self.organisations_before + 1)

    def test_it_cannot_reject_what_was_approved(self):
        self.approve()
        with self.assertRaises(IllegalTransition):
            do_reject_registration(self.registration, reason="Too late", acting_user=self.editor)


class RejectRegistrationTestCase(BaseTestCase):
    def setUp(self):
        self.registration = submit(self.bolton, language="fr")
        mail.outbox.clear()

    def reject(self, reason="We could not confirm that the organisation exists. Please send its charity number."):
        with self.captureOnCommitCallbacks(execute=True):
            return do_reject_registration(self.registration, reason=reason, acting_user=self.editor)

    def test_it_e_mails_the_reason_in_the_contacts_language(self):
        self.reject()
        self.assertEqual(len(mail.outbox), 1)
        message = mail.outbox[0]
        self.assertEqual(message.to, ["amina@deane-road.example.org"])
        self.assertEqual(message.extra_headers["Content-Language"], "fr")
        self.assertIn("We could not confirm that the organisation exists.", message.body)
        self.assertIn("/fr/add-your-organisation/", message.body)

    def test_it_marks_it_rejected_with_the_reason_and_creates_nothing(self):
        organisations = Organisation.objects.count()
        self.reject()
        self.registration.refresh_from_db()
        self.assertEqual(self.registration.status, OrganisationRegistration.Status.REJECTED)
        self.assertEqual(self.registration.decided_by, self.editor)
        self.assertTrue(self.registration.reason.startswith("We could not confirm"))
        self.assertEqual(Organisation.objects.count(), organisations)
        self.assertFalse(Invitation.objects.exists())
        event = Event.objects.get(action="directory.registration_rejected")
        self.assertEqual(event.actor, self.editor)
        self.assertEqual(event.object_id, str(self.registration.uuid))

    def test_it_needs_a_reason(self):
        with self.assertRaises(ValidationError):
            self.reject(reason="  ")
        self.registration.refresh_from_db()
        self.assertEqual(self.registration.status, OrganisationRegistration.Status.PENDING)
        self.assertEqual(mail.outbox, [])

    def test_it_cannot_reject_twice_or_approve_after(self):
        self.reject()
        with self.assertRaises(IllegalTransition):
            self.reject()
        with self.assertRaises(IllegalTransition):
            do_approve_registration(self.registration, acting_user=self.editor)
        self.assertEqual(len(mail.outbox), 1)


class ReviewRegistrationViewTestCase(BaseTestCase):
    def setUp(self):
        self.registration = submit(
            self.bolton, services=[service_dict(), service_dict("Immigration advice clinic", **ADVICE_SERVICE)]
        )
        self.url = f"/editors/registrations/{self.registration.uuid}/"

    def post(self, data):
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(self.url, data)

    def test_it_shows_everything_sent_to_an_editor_of_the_network(self):
        self.login(self.editor)
        response = self.client.get(self.url)
        self.assertContains(response, "Request to join: Deane Road Sanctuary")
        self.assertContains(response, "A weekly welcome with food, advice and English classes.")
        self.assertContains(response, "Faith group")
        self.assertContains(response, "Never shares personal data without consent")
        self.assertContains(response, "amina@deane-road.example.org")
        self.assertContains(response, "Service 1: Tuesday drop-in")
        self.assertContains(response, "Tuesday 10:00–13:00")
        self.assertContains(response, "12 Deane Road, Bolton, BL3 5AA")
        self.assertContains(response, "Service 2: Immigration advice clinic")
        self.assertContains(response, "OISC, F201900123, OISC level 2")
        self.assertContains(response, "Salford")
        self.assertContains(response, 'href="/editors/"')
        self.assertContains(response, 'value="approve"')

    def test_it_is_listed_on_the_editors_dashboard(self):
        self.login(self.editor)
        response = self.client.get("/editors/")
        self.assertContains(response, f'href="{self.url}"')

    def test_it_warns_of_an_organisation_with_a_similar_name(self):
        self.login(self.editor)
        response = self.client.get(self.url)
        self.assertNotContains(response, "An organisation with a similar name already exists")
        registration = submit(self.bolton, name="Croal Valley Welcome Projekt")
        response = self.client.get(f"/editors/registrations/{registration.uuid}/")
        self.assertContains(response, "An organisation with a similar name already exists")
        self.assertContains(response, "<li>Croal Valley Welcome Project (on Waymark)</li>", html=True)

    def test_it_warns_of_a_directory_organisation_with_a_similar_name(self):
        Organization.objects.create(name="The Deane Road Sanctuary", description="Already listed.")
        self.login(self.editor)
        response = self.client.get(self.url)
        self.assertContains(response, "<li>The Deane Road Sanctuary (on the map)</li>", html=True)

    def test_an_administrator_may_review_it(self):
        self.login(self.admin)
        response = self.client.get(self.url)
        self.assertContains(response, "Request to join: Deane Road Sanctuary")

    def test_it_is_not_found_for_an_editor_of_another_network(self):
        newcastle = make_area("Newcastle")
        north_east = make_network("North East", [newcastle])
        other_editor = make_user("editor-ne@example.org")
        PlatformRole.objects.create(user=other_editor, kind=PlatformRole.Kind.DIRECTORY_EDITOR, network=north_east)
        self.login(other_editor)
        self.assertEqual(self.client.get(self.url).status_code, 404)
        self.assertEqual(self.post({"decision": "approve"}).status_code, 404)
        self.registration.refresh_from_db()
        self.assertEqual(self.registration.status, OrganisationRegistration.Status.PENDING)

    def test_it_is_not_found_for_members_of_organisations_and_other_roles(self):
        for user in (self.coordinator, self.volunteer, self.caseworker, self.outsider, self.network_lead):
            with self.subTest(user=user.email):
                self.login(user)
                self.assertEqual(self.client.get(self.url).status_code, 404)
                self.assertEqual(self.post({"decision": "reject", "reason": "No"}).status_code, 404)
        self.registration.refresh_from_db()
        self.assertEqual(self.registration.status, OrganisationRegistration.Status.PENDING)

    def test_it_sends_anonymous_visitors_to_sign_in(self):
        response = self.client.get(self.url)
        self.assertRedirects(response, f"/accounts/login/?next={self.url}", fetch_redirect_response=False)
        response = self.post({"decision": "approve"})
        self.assertEqual(response.status_code, 302)
        self.registration.refresh_from_db()
        self.assertEqual(self.registration.status, OrganisationRegistration.Status.PENDING)

    def test_it_is_not_found_for_an_unknown_registration(self):
        self.login(self.editor)
        response = self.client.get("/editors/registrations/00000000-0000-0000-0000-000000000000/")
        self.assertEqual(response.status_code, 404)

    def test_an_editor_approves_it(self):
        self.login(self.editor)
        response = self.post({"decision": "approve"})
        self.assertRedirects(response, "/editors/", fetch_redirect_response=False)
        self.registration.refresh_from_db()
        self.assertEqual(self.registration.status, OrganisationRegistration.Status.APPROVED)
        self.assertTrue(Organisation.objects.filter(name="Deane Road Sanctuary").exists())
        self.assertEqual(Service.objects.filter(organization__name="Deane Road Sanctuary").count(), 2)
        response = self.client.get("/editors/")
        self.assertContains(
            response, "Deane Road Sanctuary is on the map, and its contact has been invited to Waymark."
        )
        response = self.client.get(self.url)
        self.assertContains(response, "Approved")
        self.assertNotContains(response, 'value="approve"')

    def test_an_editor_rejects_it_with_a_reason(self):
        self.login(self.editor)
        response = self.post({"decision": "reject", "reason": "This is a duplicate of an existing listing."})
        self.assertRedirects(response, "/editors/", fetch_redirect_response=False)
        self.registration.refresh_from_db()
        self.assertEqual(self.registration.status, OrganisationRegistration.Status.REJECTED)
        self.assertEqual(self.registration.reason, "This is a duplicate of an existing listing.")
        self.assertIn("This is a duplicate of an existing listing.", mail.outbox[-1].body)

    def test_it_needs_a_decision_and_a_reason_to_reject(self):
        self.login(self.editor)
        response = self.post({})
        self.assertContains(response, "Choose whether to approve or reject")
        response = self.post({"decision": "reject", "reason": " "})
        self.assertContains(response, "Give the reason for rejecting")
        self.assertContains(response, 'href="#id_reason"')
        self.registration.refresh_from_db()
        self.assertEqual(self.registration.status, OrganisationRegistration.Status.PENDING)

    def test_it_shows_why_an_approval_failed(self):
        TaxonomyTerm.objects.filter(slug="food").update(slug="food-and-meals")
        self.login(self.editor)
        response = self.post({"decision": "approve"})
        self.assertContains(response, "Service 1 could not be added")
        self.registration.refresh_from_db()
        self.assertEqual(self.registration.status, OrganisationRegistration.Status.PENDING)

    def test_a_decided_registration_cannot_be_decided_again(self):
        self.login(self.editor)
        self.post({"decision": "reject", "reason": "Not an organisation."})
        response = self.post({"decision": "approve"})
        self.assertRedirects(response, self.url, fetch_redirect_response=False)
        self.registration.refresh_from_db()
        self.assertEqual(self.registration.status, OrganisationRegistration.Status.REJECTED)
        self.assertFalse(Organisation.objects.filter(name="Deane Road Sanctuary").exists())
        response = self.client.get(self.url)
        self.assertContains(response, "This has already been dealt with.")
        self.assertContains(response, "Not an organisation.")
