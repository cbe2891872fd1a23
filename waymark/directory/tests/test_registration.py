"""Add your organisation: the public form, what it stores, and the acknowledgement."""

from django.core import mail
from django.core.cache import cache
from django.test import Client

from waymark.audit.models import Event
from waymark.directory.models import OrganisationRegistration
from waymark.testing import BaseTestCase, make_area, make_network

URL = "/add-your-organisation/"


def registration_post(main_area, **changes):
    """A complete, valid request: the organisation, its contact and one service."""
    data = {
        "name": "Deane Road Sanctuary",
        "description": "A weekly welcome with food, advice and English classes.",
        "kind": "faith_group",
        "area": str(main_area.pk),
        "website": "https://deane-road.example.org",
        "email": "hello@deane-road.example.org",
        "phone": "01204 555 0101",
        "charity_number": "1123456",
        "data_sharing_with_authorities": "never_without_consent",
        "contact_name": "Amina Yusuf",
        "contact_email": "Amina@Deane-Road.example.org",
        "contact_role": "Coordinator",
        "service1-name": "Tuesday drop-in",
        "service1-description": "Hot food, clothes and someone to talk to.",
        "service1-needs": ["food", "clothing"],
        "service1-situations": ["seeking_asylum", "refused_are"],
        "service1-gender": "any",
        "service1-access": ["drop_in"],
        "service1-application_process": "Just come in.",
        "service1-languages": ["en", "ar"],
        "service1-free": "yes",
        "service1-phone": "01204 555 0102",
        "service1-address_1": "12 Deane Road",
        "service1-city": "Bolton",
        "service1-postal_code": "bl3 5aa",
        "service1-days_1": ["TU"],
        "service1-opens_at_1": "10:00",
        "service1-closes_at_1": "13:00",
        "service2-gender": "any",
        "service3-gender": "any",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


class RegistrationFormTestCase(BaseTestCase):
    def setUp(self):
        cache.clear()

    def post(self, data, **extra):
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(URL, data, **extra)

    def test_it_shows_the_form_to_anyone_without_an_account(self):
        response = self.client.get(URL)
        self.assertContains(response, "<h1>Add your organisation</h1>", html=True)
        self.assertContains(response, 'name="service1-name"')
        self.assertContains(response, 'name="service3-name"')
        self.assertContains(response, 'value="immigration-advice"')
        self.assertContains(response, f'<option value="{self.bolton.pk}">Bolton</option>', html=True)
        self.assertNotContains(response, "<script")

    def test_it_shows_the_form_in_the_visitors_language(self):
        response = self.client.get("/ar" + URL)
        self.assertContains(response, '<html lang="ar" dir="rtl">')

    def test_it_stores_the_request_and_thanks_the_visitor(self):
        response = self.post(registration_post(self.bolton))
        self.assertRedirects(response, "/add-your-organisation/sent/", fetch_redirect_response=False)
        registration = OrganisationRegistration.objects.get()
        self.assertEqual(registration.status, OrganisationRegistration.Status.PENDING)
        self.assertEqual(registration.name, "Deane Road Sanctuary")
        self.assertEqual(registration.kind, "faith_group")
        self.assertEqual(registration.area, self.bolton)
        self.assertEqual(registration.network, self.network)
        self.assertEqual(registration.charity_number, "1123456")
        self.assertEqual(registration.data_sharing_with_authorities, "never_without_consent")
        self.assertEqual(registration.contact_email, "amina@deane-road.example.org")
        self.assertEqual(registration.language, "en")
        self.assertEqual(len(registration.services), 1)
        service = registration.services[0]
        self.assertEqual(service["name"], "Tuesday drop-in")
        self.assertEqual(service["needs"], ["food", "clothing"])
        self.assertEqual(service["for"], ["seeking_asylum", "refused_are"])
        self.assertEqual(service["access"], ["drop_in"])
        self.assertEqual(service["languages"], ["en", "ar"])
        self.assertIs(service["free"], True)
        self.assertEqual(service["opening_times"], [{"days": ["TU"], "opens_at": "10:00", "closes_at": "13:00"}])
        self.assertEqual(service["location"], "")
        self.assertEqual(
            service["where"],
            {
                "address_1": "12 Deane Road",
                "city": "Bolton",
                "postal_code": "BL3 5AA",
                "address_hidden": False,
                "area": "",
            },
        )
        response = self.client.get(response["Location"])
        self.assertContains(response, "Thank you: your request has been sent")

    def test_it_e_mails_the_contact_an_acknowledgement_in_their_language(self):
        self.post(registration_post(self.bolton), HTTP_ACCEPT_LANGUAGE="en")
        self.assertEqual(len(mail.outbox), 1)
        message = mail.outbox[0]
        self.assertEqual(message.to, ["amina@deane-road.example.org"])
        self.assertIn("Deane Road Sanctuary", message.subject)
        self.assertIn("Hello Amina Yusuf,", message.body)
        mail.outbox.clear()
        cache.clear()
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post("/fr" + URL, registration_post(self.bolton))
        self.assertEqual(OrganisationRegistration.objects.filter(language="fr").count(), 1)
        self.assertEqual(mail.outbox[0].extra_headers.get("Content-Language"), "fr")

    def test_it_writes_an_audit_event_without_personal_details(self):
        self.post(registration_post(self.bolton))
        event = Event.objects.get(action="directory.registration_submitted")
        registration = OrganisationRegistration.objects.get()
        self.assertIsNone(event.actor)
        self.assertEqual(event.object_id, str(registration.uuid))
        self.assertEqual(event.details, {"network": str(self.network.uuid), "area": "bolton", "services": 1})

    def test_it_leaves_out_empty_optional_services_and_stores_filled_ones(self):
        data = registration_post(
            self.bolton,
            **{
                "service2-name": "Immigration advice clinic",
                "service2-description": "Advice on asylum claims and appeals.",
                "service2-needs": ["immigration-advice"],
                "service2-situations": ["anyone"],
                "service2-access": ["appointment"],
                "service2-free": "no",
                "service2-fees_description": "£5 for a letter",
                "service2-area": str(self.salford.pk),
                "service2-advice_regulator": "oisc",
                "service2-advice_registration_number": "F201900123",
                "service2-advice_oisc_level": "2",
            },
        )
        self.post(data)
        services = OrganisationRegistration.objects.get().services
        self.assertEqual([service["name"] for service in services], ["Tuesday drop-in", "Immigration advice clinic"])
        advice = services[1]
        self.assertEqual(
            (advice["advice_regulator"], advice["advice_registration_number"], advice["advice_oisc_level"]),
            ("oisc", "F201900123", 2),
        )
        self.assertIs(advice["free"], False)
        self.assertEqual(advice["fees_description"], "£5 for a letter")
        self.assertEqual(advice["where"]["area"], "salford")
        self.assertEqual(advice["where"]["address_1"], "")

    def test_it_needs_no_account_even_when_signed_in(self):
        self.login(self.volunteer)
        response = self.post(registration_post(self.bolton))
        self.assertRedirects(response, "/add-your-organisation/sent/", fetch_redirect_response=False)
        self.assertEqual(OrganisationRegistration.objects.count(), 1)

    def test_it_refuses_a_post_without_the_csrf_token(self):
        client = Client(enforce_csrf_checks=True)
        response = client.post(URL, registration_post(self.bolton))
        self.assertEqual(response.status_code, 403)
        self.assertFalse(OrganisationRegistration.objects.exists())

    def test_it_takes_five_requests_an_hour_from_one_client(self):
        for _ in range(5):
            self.assertEqual(self.post(registration_post(self.bolton)).status_code, 302)
        response = self.post(registration_post(self.bolton))
        self.assertContains(response, "You have sent a lot in a short time", status_code=429)
        self.assertEqual(OrganisationRegistration.objects.count(), 5)
        response = self.post(registration_post(self.bolton), REMOTE_ADDR="198.51.100.20")
        self.assertEqual(response.status_code, 302, "another client is not held back")

    def test_it_says_over_the_limit_in_the_visitors_language(self):
        for _ in range(5):
            self.post(registration_post(self.bolton))
        response = self.client.post("/fr" + URL, registration_post(self.bolton))
        self.assertContains(response, '<html lang="fr" dir="ltr">', status_code=429)
        self.assertContains(response, "Il y a un problème", status_code=429)
        self.assertEqual(OrganisationRegistration.objects.count(), 5)

    def test_it_does_not_count_requests_with_mistakes(self):
        for _ in range(6):
            self.post(registration_post(self.bolton, name=""))
        self.assertEqual(self.post(registration_post(self.bolton)).status_code, 302)

    def test_its_network_is_empty_for_an_area_outside_every_network(self):
        wigan = make_area("Wigan")
        self.post(registration_post(wigan))
        self.assertIsNone(OrganisationRegistration.objects.get().network)

    def test_its_network_is_that_of_the_area(self):
        newcastle = make_area("Newcastle")
        north_east = make_network("North East", [newcastle])
        self.post(registration_post(newcastle))
        self.assertEqual(OrganisationRegistration.objects.get().network, north_east)


class RegistrationValidationTestCase(BaseTestCase):
    """Each mistake is refused with a clear message by the field, and nothing is stored."""

    def setUp(self):
        cache.clear()

    def assert_refused(self, changes, field_id, message, language=""):
        prefix = f"/{language}" if language else ""
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(prefix + URL, registration_post(self.bolton, **changes))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "There is a problem" if not language else 'class="error-summary"')
        self.assertContains(response, f'href="#{field_id}"')
        self.assertContains(response, message)
        self.assertFalse(OrganisationRegistration.objects.exists())
        self.assertEqual(mail.outbox, [])
        return response

    def test_it_needs_the_organisations_name_and_description(self):
        self.assert_refused({"name": ""}, "id_name", "Enter the name of the organisation")
        self.assert_refused({"description": " "}, "id_description", "Say what the organisation does")

    def test_it_needs_an_area_from_the_list(self):
        self.assert_refused({"area": ""}, "id_area", "Choose the main area the organisation works in")
        self.assert_refused({"area": "999999"}, "id_area", "Choose an area from the list")

    def test_it_needs_a_kind_from_the_list(self):
        self.assert_refused({"kind": "secret_society"}, "id_kind", "Choose the kind of organisation from the list")

    def test_it_needs_an_answer_about_sharing_personal_data(self):
        self.assert_refused(
            {"data_sharing_with_authorities": None},
            "id_data_sharing_with_authorities_0",
            "Say how the organisation handles personal data",
        )

    def test_it_checks_the_public_contact_details(self):
        self.assert_refused({"website": "not a website"}, "id_website", "Enter a web address like https://example.org")
        self.assert_refused({"email": "nobody"}, "id_email", "Enter an e-mail address like name@example.org")
        self.assert_refused({"phone": "call us"}, "id_phone", "Enter a phone number like 01204 123456")
        self.assert_refused(
            {"charity_number": "no/number!"}, "id_charity_number", "Enter the number as it is registered"
        )

    def test_it_needs_a_contact_name_and_e_mail(self):
        self.assert_refused({"contact_name": ""}, "id_contact_name", "Enter your name")
        self.assert_refused({"contact_email": ""}, "id_contact_email", "Enter your e-mail address")
        self.assert_refused({"contact_email": "amina@"}, "id_contact_email", "Enter an e-mail address like")

    def test_it_needs_a_first_service(self):
        empty_first = {
            key: None
            for key in registration_post(self.bolton)
            if key.startswith("service1-") and key != "service1-gender"
        }
        response = self.assert_refused(
            empty_first, "id_service1-name", "Service 1, Name of the service: Enter the name"
        )
        self.assertContains(response, "Choose at least one need")
        self.assertContains(response, "Choose who the service is for")
        self.assertContains(response, "Choose how people get the service")
        self.assertContains(response, "Say whether the service is free")

    def test_it_checks_a_second_service_once_anything_is_filled_in(self):
        self.assert_refused(
            {"service2-name": "Food bank"},
            "id_service2-needs_0",
            "Service 2, What needs does it meet?: Choose at least",
        )

    def test_it_needs_only_known_needs(self):
        self.assert_refused({"service1-needs": ["world-peace"]}, "id_service1-needs_0", "Choose needs from the list")

    def test_it_needs_the_cost_when_not_free(self):
        self.assert_refused({"service1-free": "no"}, "id_service1-fees_description", "Say what the service costs")

    def test_it_needs_a_whole_address_or_none(self):
        self.assert_refused({"service1-city": ""}, "id_service1-city", "Enter the town or city")
        self.assert_refused({"service1-postal_code": ""}, "id_service1-postal_code", "Enter the postcode")
        self.assert_refused(
            {"service1-address_1": ""}, "id_service1-address_1", "Enter the address, or leave the whole address empty"
        )
        self.assert_refused({"service1-postal_code": "BL3"}, "id_service1-postal_code", "Enter a full postcode")
        self.assert_refused({"service1-postal_code": "ZZ9 9ZZ"}, "id_service1-postal_code", "We don&#x27;t know")

    def test_it_checks_the_opening_times(self):
        self.assert_refused({"service1-days_1": None}, "id_service1-days_1_0", "Choose the days it is open")
        self.assert_refused({"service1-closes_at_1": ""}, "id_service1-closes_at_1", "Enter the time it closes")
        self.assert_refused(
            {"service1-closes_at_1": "09:00"}, "id_service1-closes_at_1", "The closing time must be after"
        )
        self.assert_refused({"service1-opens_at_1": "ten"}, "id_service1-opens_at_1", "Enter a time like 09:30")

    def test_immigration_advice_needs_its_regulator_number_and_level(self):
        advice = {"service1-needs": ["immigration-advice"]}
        self.assert_refused(
            advice, "id_service1-advice_regulator", "Immigration advice must be regulated: give the adviser"
        )
        oisc = {**advice, "service1-advice_regulator": "oisc"}
        self.assert_refused(
            {**oisc, "service1-advice_oisc_level": "1"},
            "id_service1-advice_registration_number",
            "Give the registration number with the regulator.",
        )
        self.assert_refused(
            {**oisc, "service1-advice_registration_number": "F1"},
            "id_service1-advice_oisc_level",
            "Give the OISC level (1, 2 or 3).",
        )
        self.assert_refused(
            {
                **advice,
                "service1-advice_regulator": "sra",
                "service1-advice_registration_number": "123",
                "service1-advice_oisc_level": "2",
            },
            "id_service1-advice_oisc_level",
            "An OISC level needs the OISC as regulator.",
        )

    def test_its_errors_are_translated(self):
        # Messages the translators have done so far; the others follow in the translation pass.
        response = self.assert_refused(
            {"contact_email": "amina@"},
            "id_contact_email",
            "Saisissez une adresse e-mail comme name@example.org",
            language="fr",
        )
        self.assertContains(response, "Il y a un problème")
        self.assert_refused(
            {
                "service1-advice_regulator": "sra",
                "service1-advice_registration_number": "123",
                "service1-advice_oisc_level": "2",
            },
            "id_service1-advice_oisc_level",
            "Un niveau OISC suppose l’OISC comme organisme de régulation.",
            language="fr",
        )
