"""The Open Referral UK API at /api/oruk/, as a partner system or the ORUK validator uses it:
every answer checked against the official ORUK 3.0 schemas, pagination as the validator checks
it, each parameter, the public map only, hidden addresses hidden, bad input answered in JSON."""

import datetime as dt
import json
from datetime import timedelta
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from waymark.directory.models import (
    Address,
    CostOption,
    Language,
    Location,
    LocationType,
    OrganizationIdentifier,
    Phone,
    RequiredDocument,
    Schedule,
    Service,
    ServiceAtLocation,
)
from waymark.directory.oruk import extensions
from waymark.directory.oruk.api import MAX_PER_PAGE
from waymark.directory.oruk.schemas import error_path, validator
from waymark.directory.tests.builders import give_need, make_need, make_organization, make_service
from waymark.testing import BaseTestCase

API = "/api/oruk"
# What the hidden refuge's address is: none of it may ever leave Waymark.
SECRETS = ("7 Secret Lane", "BL1 9ZZ", "Safe house", "53.581234", "-2.421234", "100012345678", "Ring the blue door")


def make_place(
    organization,
    *,
    hidden=False,
    area=None,
    street="12 Derby Street",
    postcode="BL3 6HH",
    point=("53.570000", "-2.430000"),
):
    location = Location.objects.create(
        location_type=LocationType.PHYSICAL,
        organization=organization,
        name="Safe house" if hidden else "Derby Street Community Centre",
        latitude=Decimal("53.581234" if hidden else point[0]),
        longitude=Decimal("-2.421234" if hidden else point[1]),
        external_identifier="100012345678" if hidden else "",
        external_identifier_type="UPRN" if hidden else "",
        address_hidden=hidden,
        area=area,
        transportation="Ring the blue door" if hidden else "Buses 8 and 9 stop outside.",
    )
    Address.objects.create(
        location=location,
        address_1=street,
        city="Bolton",
        state_province="Greater Manchester",
        postal_code=postcode,
        address_type=LocationType.PHYSICAL,
    )
    return location


def make_listing(name, *, organization, location=None, needs=(), **fields):
    """A public service with a place, weekly hours, a phone and a language."""
    fields.setdefault("verified_at", timezone.now() - timedelta(days=10))
    service = make_service(name, organization=organization, **fields)
    if location is not None:
        ServiceAtLocation.objects.create(service=service, location=location)
    Schedule.objects.create(
        service=service, freq="WEEKLY", interval=1, byday="WE", opens_at=dt.time(10), closes_at=dt.time(13)
    )
    Phone.objects.create(service=service, number="01204 496 000", type=Phone.Type.VOICE)
    Language.objects.create(service=service, name="Arabic", code="ar")
    for need in needs:
        give_need(service, need)
    service.build_search_text()
    service.save(update_fields=list(Service.SEARCH_FIELDS))
    return service


class OrukTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.bolton.gss_code = "E08000001"
        cls.bolton.save()
        cls.organization = make_organization(
            "Croal Valley Welcome Project",
            website="https://croal.example.org",
            data_sharing_with_authorities="never_without_consent",
        )
        OrganizationIdentifier.objects.create(
            organization=cls.organization,
            identifier_scheme="GB-CHC",
            identifier_type="Charity number",
            identifier="1234567",
        )
        cls.lawyers = make_organization("Medlock Immigration Advice Centre")
        cls.centre = make_place(cls.organization, area=cls.bolton)
        cls.refuge_place = make_place(
            cls.organization, hidden=True, area=cls.bolton, street="7 Secret Lane", postcode="BL1 9ZZ"
        )
        cls.food = make_need("food", "Food")
        cls.hot_meals = make_need("hot-meals", "Hot meals", parent=cls.food)
        cls.advice = make_need("immigration-advice", "Immigration advice")
        cls.food_bank = make_listing(
            "Food bank",
            organization=cls.organization,
            location=cls.centre,
            needs=[cls.food],
            description="Food parcels every week.",
            for_anyone=True,
            access_drop_in=True,
            capacity_status=Service.CapacityStatus.WAITING_LIST,
            fees="Free",
            alert="Closed on 1 December for training.",
            alert_ends_on=timezone.localdate() + timedelta(days=5),
        )
        cls.food_bank.restricted_to_areas.add(cls.bolton)
        CostOption.objects.create(service=cls.food_bank, amount=Decimal("0"), currency="GBP", option="Free")
        RequiredDocument.objects.create(service=cls.food_bank, document="Your ARC card")
        cls.refuge = make_listing(
            "Women's refuge",
            organization=cls.organization,
            location=cls.refuge_place,
            needs=[cls.hot_meals],
            gender=Service.Gender.WOMEN,
        )
        cls.lawyer = make_listing(
            "Asylum appeals clinic",
            organization=cls.lawyers,
            location=make_place(
                cls.lawyers, street="1 Oxford Road", postcode="M13 9PL", point=("53.460000", "-2.230000")
            ),
            needs=[cls.advice],
            advice_regulator="oisc",
            advice_oisc_level=2,
            advice_registration_number="F201900123",
        )
        # Never on the public map: not active, and not checked for two years.
        cls.closed = make_listing(
            "Closed soup kitchen",
            organization=cls.organization,
            location=cls.centre,
            needs=[cls.food],
            status=Service.Status.INACTIVE,
        )
        cls.stale = make_listing(
            "Forgotten food club",
            organization=make_organization("Hidden Charity"),
            location=cls.centre,
            needs=[cls.food],
        )
        Service.objects.filter(id=cls.stale.id).update(
            verified_at=timezone.now() - timedelta(days=800), created_at=timezone.now() - timedelta(days=900)
        )
        cls.public = [cls.lawyer, cls.food_bank, cls.refuge]

    def get_json(self, url, status=200, **headers):
        response = self.client.get(url, headers=headers)
        self.assertEqual(response.status_code, status, response.content[:500])
        self.assertEqual(response["Access-Control-Allow-Origin"], "*")
        return response.json()

    def assertValid(self, schema_name, data):
        errors = [f"{error_path(error)}: {error.message}" for error in validator(schema_name).iter_errors(data)]
        self.assertEqual(errors, [], schema_name)

    def assertNoNulls(self, data):
        text = json.dumps(data)
        self.assertNotIn("null", text.replace('"null', ""))

    def ids(self, data):
        return [item["id"] for item in data["contents"]]


class ApiDetailsTests(OrukTestCase):
    def test_it_says_which_specification_it_follows(self):
        data = self.get_json(f"{API}/")

        self.assertValid("api_details", data)
        self.assertEqual(data["version"], "HSDS-UK-3.0")
        self.assertEqual(data["openapi_url"], "http://testserver/api/oruk/openapi.json")

    def test_its_openapi_document_is_orukʼs_pointing_at_this_site(self):
        document = self.get_json(f"{API}/openapi.json")

        self.assertEqual(document["servers"][0]["url"], "http://testserver/api/oruk")
        self.assertEqual(document["info"]["version"], "HSDS-UK-3.0")
        self.assertEqual(len(document["paths"]), 11)
        refs = []

        def collect(node):
            if isinstance(node, dict):
                refs.extend(value for key, value in node.items() if key == "$ref" and not value.startswith("#"))
                for value in node.values():
                    collect(value)
            elif isinstance(node, list):
                for value in node:
                    collect(value)

        collect(document)
        self.assertTrue(refs)
        for ref in refs:
            self.assertTrue(ref.startswith("http://testserver/api/oruk/schema/"), ref)
        self.assertIn("http://testserver/api/oruk/schema/service_list.json", refs)

    def test_it_serves_the_schemas_the_document_points_at(self):
        schema = self.get_json(f"{API}/schema/service.json")

        self.assertEqual(schema["$id"], "http://testserver/api/oruk/schema/service.json")
        self.assertEqual(
            schema["properties"]["organization"]["$ref"], "http://testserver/api/oruk/schema/organization.json"
        )
        self.get_json(f"{API}/schema/not_a_schema.json", status=404)

    def test_it_answers_a_browserʼs_preflight(self):
        response = self.client.options(f"{API}/services", headers={"Access-Control-Request-Method": "GET"})

        self.assertEqual(response.status_code, 204)
        self.assertEqual(response["Access-Control-Allow-Origin"], "*")
        self.assertIn("GET", response["Access-Control-Allow-Methods"])

    def test_it_refuses_writes_in_json(self):
        response = self.client.post(f"{API}/services", {})

        self.assertEqual(response.status_code, 405)
        self.assertEqual(response.json()["code"], "method_not_allowed")
        self.assertEqual(response["Access-Control-Allow-Origin"], "*")

    def test_an_unknown_address_answers_json(self):
        data = self.get_json(f"{API}/nothing/here", status=404)

        self.assertEqual(data["code"], "not_found")

    def test_it_sets_no_cookie(self):
        response = self.client.get(f"{API}/services")

        self.assertEqual(dict(response.cookies), {})


class DocumentationTests(OrukTestCase):
    def test_it_lists_the_endpoints_and_attributes_the_standards(self):
        response = self.client.get(f"{API}/docs/")

        self.assertEqual(response.status_code, 200)
        for text in (
            "/service_at_locations",
            "/taxonomy_terms/{id}",
            "per_page",
            "proximity",
            str(MAX_PER_PAGE),
            "Open Referral UK resource",
            "https://openreferraluk.org/",
            "Human Services Data Specification: an Open Referral resource",
            extensions.TAXONOMY_NAME,
            "regulator_not_confirmed",
        ):
            self.assertContains(response, text)


class ServicesTests(OrukTestCase):
    def test_the_list_is_valid_oruk_with_single_value_fields(self):
        data = self.get_json(f"{API}/services")

        self.assertValid("service_list", data)
        self.assertNoNulls(data)
        self.assertEqual(self.ids(data), [str(service.id) for service in self.public])
        item = data["contents"][1]
        self.assertEqual(item["name"], "Food bank")
        self.assertEqual(item["organization"]["name"], "Croal Valley Welcome Project")
        for nested in ("service_at_locations", "schedules", "attributes", "languages"):
            self.assertNotIn(nested, item)

    def test_a_service_is_fully_nested_and_valid(self):
        data = self.get_json(f"{API}/services/{self.food_bank.id}")

        self.assertValid("service", data)
        self.assertNoNulls(data)
        self.assertEqual(data["fees"], "Free")
        self.assertEqual(data["alert"], "Closed on 1 December for training.")
        self.assertEqual(data["assured_date"], timezone.localdate(self.food_bank.verified_at).isoformat())
        location = data["service_at_locations"][0]["location"]
        self.assertEqual(location["addresses"][0]["address_1"], "12 Derby Street")
        self.assertEqual(location["latitude"], 53.57)
        self.assertEqual(data["organization"]["organization_identifiers"][0]["identifier"], "1234567")
        self.assertEqual(data["required_documents"][0]["document"], "Your ARC card")
        self.assertEqual(data["cost_options"][0]["amount"], 0)
        terms = {(item["taxonomy_term"]["name"], item.get("value")) for item in data["attributes"]}
        self.assertIn(("Food", None), terms)
        self.assertIn(("For anyone, whatever their immigration situation", "true"), terms)
        self.assertIn(("Capacity", "waiting_list"), terms)
        self.assertIn(("Only for people living in an area", "E08000001"), terms)
        sharing = {item["taxonomy_term"]["code"]: item["value"] for item in data["organization"]["attributes"]}
        self.assertEqual(sharing, {"data_sharing_with_authorities": "never_without_consent"})

    def test_an_ended_notice_is_not_published(self):
        Service.objects.filter(id=self.food_bank.id).update(alert_ends_on=timezone.localdate() - timedelta(days=1))

        data = self.get_json(f"{API}/services/{self.food_bank.id}")

        self.assertNotIn("alert", data)

    def test_services_off_the_public_map_are_never_published(self):
        hidden_ids = {str(self.closed.id), str(self.stale.id)}
        for url in (
            f"{API}/services?per_page=200",
            f"{API}/services?full=true",
            f"{API}/service_at_locations?full=true",
            f"{API}/organizations?full_service=true",
            f"{API}/services?search=food",
        ):
            with self.subTest(url):
                text = self.client.get(url).content.decode()
                for hidden in hidden_ids:
                    self.assertNotIn(hidden, text)
                self.assertNotIn("Hidden Charity", text)
        for service in (self.closed, self.stale):
            data = self.get_json(f"{API}/services/{service.id}", status=404)
            self.assertEqual(data["code"], "not_found")
        self.get_json(f"{API}/organizations/{self.stale.organization_id}", status=404)

    def test_an_unknown_or_malformed_id_is_a_json_404(self):
        for value in ("00000000-0000-0000-0000-000000000000", "not-a-uuid", "1"):
            with self.subTest(value):
                self.assertEqual(self.get_json(f"{API}/services/{value}", status=404)["code"], "not_found")


class HiddenAddressTests(OrukTestCase):
    def test_a_hidden_address_never_leaves_waymark(self):
        link = self.refuge.service_at_locations.get()
        for url in (
            f"{API}/services",
            f"{API}/services?full=true",
            f"{API}/services/{self.refuge.id}",
            f"{API}/services?format=ndjson",
            f"{API}/service_at_locations",
            f"{API}/service_at_locations?full=true",
            f"{API}/service_at_locations/{link.id}",
            f"{API}/service_at_locations?format=ndjson",
            f"{API}/organizations/{self.organization.id}?full_service=true",
            f"{API}/organizations?format=ndjson&full_service=true",
        ):
            with self.subTest(url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200)
                text = b"".join(response.streaming_content if response.streaming else [response.content]).decode()
                for secret in SECRETS:
                    self.assertNotIn(secret, text)

    def test_it_publishes_the_area_and_that_the_address_is_hidden(self):
        data = self.get_json(f"{API}/services/{self.refuge.id}")

        self.assertValid("service", data)
        location = data["service_at_locations"][0]["location"]
        self.assertEqual(set(location) - {"attributes", "phones", "schedules", "languages"}, {"id", "location_type"})
        details = {item["taxonomy_term"]["code"]: item["value"] for item in location["attributes"]}
        self.assertEqual(details, {"address_hidden": "true", "location_area": "E08000001"})


class PaginationTests(OrukTestCase):
    """As the validator checks it: first_page exactly on page 1, last_page exactly on the last,
    empty exactly when contents is, every page but the last full, size the number of items."""

    def check_page(self, url, *, page, per_page, total):
        data = self.get_json(url)
        total_pages = -(-total // per_page)
        expected_size = min(per_page, total - (page - 1) * per_page) if total else 0
        self.assertEqual(data["total_items"], total)
        self.assertEqual(data["total_pages"], total_pages)
        self.assertEqual(data["page_number"], page)
        self.assertEqual(data["size"], len(data["contents"]))
        self.assertEqual(data["size"], expected_size)
        self.assertEqual(data["first_page"], page == 1)
        self.assertEqual(data["last_page"], page == max(total_pages, 1))
        self.assertEqual(data["empty"], expected_size == 0)
        return data

    def test_first_middle_and_last_pages_of_every_list(self):
        for index in range(4):
            make_listing(f"Extra service {index}", organization=make_organization(f"Extra charity {index}"))
        lists = {
            "services": ("service_list", 7),
            "organizations": ("organization_list", 6),
            "service_at_locations": ("service_at_location_list", 3),
            "taxonomies": ("taxonomy_list", None),
            "taxonomy_terms": ("taxonomy_term_list", None),
        }
        for endpoint, (schema_name, total) in lists.items():
            total = total or self.get_json(f"{API}/{endpoint}")["total_items"]
            per_page = 2
            last = -(-total // per_page)
            seen = []
            for page in sorted({1, min(2, last), last}):
                with self.subTest(endpoint=endpoint, page=page):
                    data = self.check_page(
                        f"{API}/{endpoint}?page={page}&per_page={per_page}", page=page, per_page=per_page, total=total
                    )
                    self.assertValid(schema_name, data)
                    seen += self.ids(data)
            self.assertEqual(len(seen), len(set(seen)), endpoint)

    def test_all_pages_together_hold_each_item_once(self):
        pages = [self.get_json(f"{API}/services?per_page=1&page={page}") for page in (1, 2, 3)]

        self.assertEqual([self.ids(page)[0] for page in pages], [str(service.id) for service in self.public])

    def test_page_one_of_an_empty_list_is_an_empty_page(self):
        url = f"{API}/services?organization_id=00000000-0000-0000-0000-000000000000"
        data = self.check_page(url, page=1, per_page=50, total=0)

        self.assertValid("service_list", data)
        self.assertEqual(data["total_pages"], 0)
        self.assertTrue(data["first_page"] and data["last_page"] and data["empty"])

    def test_a_page_past_the_end_is_a_json_404(self):
        data = self.get_json(f"{API}/services?page=2", status=404)

        self.assertEqual(data["code"], "page_out_of_range")
        self.assertEqual(
            self.get_json(f"{API}/services?page=2&organization_id={self.lawyers.id}", status=404)["code"],
            "page_out_of_range",
        )


class BadInputTests(OrukTestCase):
    def test_bad_parameters_get_a_clear_json_422(self):
        cases = {
            "services?per_page=0": "invalid_per_page",
            f"services?per_page={10**9}": "invalid_per_page",
            f"services?per_page={MAX_PER_PAGE + 1}": "invalid_per_page",
            "services?per_page=ten": "invalid_per_page",
            "services?page=0": "invalid_page",
            "services?page=-3": "invalid_page",
            "services?page=1.5": "invalid_page",
            "services?taxonomy_term_id=food": "invalid_taxonomy_term_id",
            "services?taxonomy_id=123": "invalid_taxonomy_id",
            "services?organization_id=x": "invalid_organization_id",
            "services?modified_after=yesterday": "invalid_modified_after",
            "services?modified_after=2025-13-45": "invalid_modified_after",
            "services?format=xml": "invalid_format",
            "services?full=perhaps": "invalid_full",
            "services?minimal=2": "invalid_minimal",
            "taxonomy_terms?parent_id=top": "invalid_parent_id",
            "taxonomy_terms?top_only=maybe": "invalid_top_only",
            "service_at_locations?postcode=not a postcode": "invalid_postcode",
            "service_at_locations?postcode=ZZ99 9ZZ": "unknown_postcode",
            "service_at_locations?postcode=BL3&proximity=-5": "invalid_proximity",
            "service_at_locations?postcode=BL3&proximity=far": "invalid_proximity",
            "service_at_locations?postcode=BL3&proximity=nan": "invalid_proximity",
            "service_at_locations?postcode=BL3&proximity=1e12": "invalid_proximity",
            "service_at_locations?proximity=1000": "proximity_without_postcode",
            "organizations?full_service=yes please": "invalid_full_service",
            "services?search=" + "a" * 201: "invalid_search",
        }
        for query, code in cases.items():
            with self.subTest(query):
                data = self.get_json(f"{API}/{query}", status=422)
                self.assertEqual(data["code"], code)
                self.assertTrue(data["detail"])

    def test_errors_answer_in_the_requestʼs_language(self):
        response = self.client.get(f"{API}/services?per_page=0", headers={"Accept-Language": "ar"})

        self.assertEqual(response.status_code, 422)
        self.assertEqual(response["Content-Language"], "ar")
        self.assertIn("Accept-Language", response["Vary"])


class FilterTests(OrukTestCase):
    def service_ids(self, query, endpoint="services"):
        data = self.get_json(f"{API}/{endpoint}?{query}")
        if endpoint == "service_at_locations":
            return {item["service"]["id"] for item in data["contents"]}
        return {item["id"] for item in data["contents"]}

    def names(self, *services):
        return {str(service.id) for service in services}

    def test_taxonomy_term_finds_the_term_and_narrower_ones(self):
        self.assertEqual(self.service_ids(f"taxonomy_term_id={self.food.id}"), self.names(self.food_bank, self.refuge))
        self.assertEqual(self.service_ids(f"taxonomy_term_id={self.hot_meals.id}"), self.names(self.refuge))

    def test_taxonomy_term_of_waymark_details(self):
        self.assertEqual(
            self.service_ids(f"taxonomy_term_id={extensions.term_id('for_anyone')}"), self.names(self.food_bank)
        )
        self.assertEqual(self.service_ids(f"taxonomy_term_id={extensions.term_id('gender')}"), self.names(self.refuge))
        self.assertEqual(
            self.service_ids(f"taxonomy_term_id={extensions.term_id('address_hidden')}"), self.names(self.refuge)
        )

    def test_taxonomy(self):
        needs = self.food.taxonomy_id
        self.assertEqual(self.service_ids(f"taxonomy_id={needs}"), self.names(*self.public))
        self.assertEqual(self.service_ids(f"taxonomy_id={extensions.TAXONOMY_ID}"), self.names(*self.public))

    def test_organization(self):
        self.assertEqual(self.service_ids(f"organization_id={self.lawyers.id}"), self.names(self.lawyer))

    def test_modified_after(self):
        Service.objects.filter(id=self.lawyer.id).update(last_modified=dt.datetime(2030, 1, 2, tzinfo=dt.UTC))

        self.assertEqual(self.service_ids("modified_after=2030-01-01"), self.names(self.lawyer))
        self.assertEqual(self.service_ids("modified_after=2030-01-02T00:00:00Z"), self.names(self.lawyer))
        self.assertEqual(self.service_ids("modified_after=2030-01-02T00:00:01%2B00:00"), set())

    def test_search_uses_the_mapʼs_search(self):
        self.assertEqual(self.service_ids("search=appeals"), self.names(self.lawyer))
        self.assertEqual(self.service_ids("search=food"), self.names(self.food_bank, self.refuge))

    def test_parameters_combine_with_and(self):
        query = f"search=food&organization_id={self.organization.id}&taxonomy_term_id={self.hot_meals.id}"
        self.assertEqual(self.service_ids(query), self.names(self.refuge))
        self.assertEqual(self.service_ids(f"search=appeals&organization_id={self.organization.id}"), set())
        self.assertEqual(self.service_ids(query, "service_at_locations"), self.names(self.refuge))

    def test_minimal_and_full(self):
        minimal = self.get_json(f"{API}/services?minimal=true")
        full = self.get_json(f"{API}/services?full=true")

        self.assertValid("service_list", minimal)
        self.assertEqual(set(minimal["contents"][0]), {"id", "name", "status", "last_modified"})
        self.assertValid("service_list", full)
        for item in full["contents"]:
            self.assertValid("service", item)
        self.assertIn("service_at_locations", full["contents"][0])

    def test_postcode_and_proximity_nearest_first(self):
        # BL3's middle is within 10 km of the centre and the refuge, not of Oxford Road in Manchester.
        near_bolton = self.get_json(f"{API}/service_at_locations?postcode=BL3")
        self.assertValid("service_at_location_list", near_bolton)
        self.assertEqual(
            [item["service"]["id"] for item in near_bolton["contents"]],
            [str(self.food_bank.id), str(self.refuge.id)],
        )
        everywhere = self.service_ids("postcode=BL3 1AA&proximity=100000", "service_at_locations")
        self.assertEqual(everywhere, self.names(*self.public))
        self.assertEqual(
            self.service_ids("postcode=M13 9PL&proximity=5000", "service_at_locations"), self.names(self.lawyer)
        )

    def test_proximity_cannot_home_in_on_a_hidden_address(self):
        # From the refuge's own outcode, a radius under 1 km never finds it, whatever its real distance.
        for proximity in (0, 1, 500, 999):
            with self.subTest(proximity):
                self.assertNotIn(
                    str(self.refuge.id),
                    self.service_ids(f"postcode=BL1&proximity={proximity}", "service_at_locations"),
                )

    def test_taxonomy_terms_filters(self):
        data = self.get_json(f"{API}/taxonomy_terms?parent_id={self.food.id}&per_page=200")
        self.assertEqual(self.ids(data), [str(self.hot_meals.id)])

        top = self.get_json(f"{API}/taxonomy_terms?top_only=true&taxonomy_id={self.food.taxonomy_id}&per_page=200")
        self.assertIn(str(self.food.id), self.ids(top))
        self.assertNotIn(str(self.hot_meals.id), self.ids(top))

        details = self.get_json(f"{API}/taxonomy_terms?taxonomy_id={extensions.TAXONOMY_ID}&per_page=200")
        self.assertEqual(details["total_items"], len(extensions.TERMS))

        found = self.get_json(f"{API}/taxonomy_terms?search=hot meals")
        self.assertEqual(self.ids(found), [str(self.hot_meals.id)])

    def test_organizations_search_and_full(self):
        data = self.get_json(f"{API}/organizations?search=medlock")
        self.assertEqual(self.ids(data), [str(self.lawyers.id)])

        full = self.get_json(f"{API}/organizations?full=true")
        self.assertValid("organization_list", full)
        croal = next(item for item in full["contents"] if item["id"] == str(self.organization.id))
        self.assertEqual({item["id"] for item in croal["services"]}, self.names(self.food_bank, self.refuge))


class RecordTests(OrukTestCase):
    def test_every_id_endpoint_answers_valid_oruk(self):
        link = self.food_bank.service_at_locations.get()
        taxonomy = self.food.taxonomy
        cases = [
            (f"services/{self.lawyer.id}", "service"),
            (f"service_at_locations/{link.id}", "service_at_location"),
            (f"organizations/{self.organization.id}", "organization"),
            (f"organizations/{self.organization.id}?full_service=true", "organization"),
            (f"taxonomies/{taxonomy.id}", "taxonomy"),
            (f"taxonomies/{extensions.TAXONOMY_ID}", "taxonomy"),
            (f"taxonomy_terms/{self.hot_meals.id}", "taxonomy_term"),
            (f"taxonomy_terms/{extensions.term_id('for_nrpf')}", "taxonomy_term"),
        ]
        for path, schema_name in cases:
            with self.subTest(path):
                data = self.get_json(f"{API}/{path}")
                self.assertValid(schema_name, data)
                self.assertNoNulls(data)

    def test_a_service_at_a_location_nests_both(self):
        link = self.food_bank.service_at_locations.get()
        data = self.get_json(f"{API}/service_at_locations/{link.id}")

        self.assertEqual(data["service"]["id"], str(self.food_bank.id))
        self.assertEqual(data["location"]["addresses"][0]["postal_code"], "BL3 6HH")
        closed_link = self.closed.service_at_locations.get()
        self.get_json(f"{API}/service_at_locations/{closed_link.id}", status=404)

    def test_an_organisation_nests_its_public_services(self):
        data = self.get_json(f"{API}/organizations/{self.organization.id}")
        full = self.get_json(f"{API}/organizations/{self.organization.id}?full_service=true")

        self.assertEqual({item["id"] for item in data["services"]}, {str(self.food_bank.id), str(self.refuge.id)})
        self.assertNotIn("service_at_locations", data["services"][0])
        self.assertIn("service_at_locations", full["services"][0])

    def test_a_taxonomy_nests_its_terms(self):
        data = self.get_json(f"{API}/taxonomies/{extensions.TAXONOMY_ID}")

        self.assertEqual(data["name"], "Waymark service details")
        self.assertEqual(len(data["taxonomy_terms"]), len(extensions.TERMS))
        self.get_json(f"{API}/taxonomies/{self.food.id}", status=404)


class NdjsonTests(OrukTestCase):
    def read(self, url):
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.streaming)
        self.assertEqual(response["Content-Type"], "application/x-ndjson; charset=utf-8")
        self.assertEqual(response["Access-Control-Allow-Origin"], "*")
        return [json.loads(line) for line in b"".join(response.streaming_content).decode().splitlines()]

    def test_it_streams_every_matching_full_service(self):
        records = self.read(f"{API}/services?format=ndjson")

        self.assertEqual({record["id"] for record in records}, {str(service.id) for service in self.public})
        for record in records:
            self.assertValid("service", record)
        self.assertEqual(
            [record["id"] for record in self.read(f"{API}/services?format=ndjson&organization_id={self.lawyers.id}")],
            [str(self.lawyer.id)],
        )

    def test_other_lists_stream_too(self):
        for endpoint, schema_name in (
            ("service_at_locations", "service_at_location"),
            ("organizations", "organization"),
            ("taxonomies", "taxonomy"),
            ("taxonomy_terms", "taxonomy_term"),
        ):
            with self.subTest(endpoint):
                records = self.read(f"{API}/{endpoint}?format=ndjson")
                self.assertTrue(records)
                for record in records:
                    self.assertValid(schema_name, record)


class QueryCountTests(OrukTestCase):
    def count(self, url):
        with CaptureQueriesContext(connection) as context:
            response = self.client.get(url)
            if response.streaming:
                b"".join(response.streaming_content)
        self.assertEqual(response.status_code, 200)
        return len(context.captured_queries)

    def add_services(self, number):
        for index in range(number):
            service = make_listing(
                f"More service {index}", organization=make_organization(f"More charity {index}"), needs=[self.food]
            )
            for place in range(2):
                location = make_place(service.organization, street=f"{place} High Street")
                ServiceAtLocation.objects.create(service=service, location=location)

    def change_the_map(self):
        """A change to the map (any published row), so every stored record is out of date."""
        Service.objects.filter(pk=self.lawyer.pk).update(name=self.lawyer.name)

    def test_lists_ask_the_same_number_of_queries_whatever_the_page_size_or_page(self):
        urls = [
            "services?per_page={n}&page={p}",
            "services?full=true&per_page={n}&page={p}",
            "services?modified_after=2000-01-01&per_page={n}&page={p}",
            "service_at_locations?full=true&per_page={n}&page={p}",
            "service_at_locations?per_page={n}&page={p}",
            "organizations?full_service=true&per_page={n}&page={p}",
            "taxonomy_terms?per_page={n}&page={p}",
        ]

        # /services serves stored records (published.py): its count differs between a page
        # built after a change ("cold") and one served as stored ("warm"); each is fixed.
        def cold_and_warm(url):
            self.change_the_map()
            return self.count(f"{API}/" + url), self.count(f"{API}/" + url)

        # Once first: this process then keeps the order of the public map (published.py).
        self.count(f"{API}/services")
        before = {url: cold_and_warm(url.format(n=1, p=1)) for url in urls}
        self.add_services(6)
        for url in urls:
            with self.subTest(url):
                self.assertEqual(cold_and_warm(url.format(n=5, p=1)), before[url])
                self.assertEqual(cold_and_warm(url.format(n=2, p=3)), before[url])

    def test_the_unfiltered_service_list_is_one_query_when_nothing_has_changed(self):
        self.add_services(3)
        self.count(f"{API}/services?per_page=2&page=2")
        # The map version with the page's stored records: no count, no page query.
        self.assertEqual(self.count(f"{API}/services?per_page=2&page=2"), 1)
        self.count(f"{API}/services?full=true&per_page=2&page=2")
        self.assertEqual(self.count(f"{API}/services?full=true&per_page=2&page=2"), 1)

    def test_a_service_is_one_query_when_nothing_has_changed(self):
        self.count(f"{API}/services/{self.lawyer.id}")
        # The public service row with its stored record and the map version.
        self.assertEqual(self.count(f"{API}/services/{self.lawyer.id}"), 1)

    def add_places(self, number):
        for index in range(number):
            location = make_place(self.lawyers, street=f"{index} Oxford Road")
            ServiceAtLocation.objects.create(service=self.lawyer, location=location)
            phone = Phone.objects.create(location=location, number="0161 496 0000")
            Schedule.objects.create(location=location, freq="WEEKLY", byday="MO")
            Language.objects.create(phone=phone, name="Urdu", code="ur")
            CostOption.objects.create(service=self.lawyer, amount=Decimal(index))

    def test_a_record_asks_the_same_number_of_queries_however_deeply_it_nests(self):
        # One of each kind of nested object first (a query with nothing to look for is not
        # sent), then more of them. Each count is of a record built again after the change.
        self.add_places(1)
        before = self.count(f"{API}/services/{self.lawyer.id}")
        self.add_places(4)

        self.assertEqual(self.count(f"{API}/services/{self.lawyer.id}"), before)

    def test_ndjson_asks_the_same_number_of_queries_per_chunk(self):
        from waymark.directory.oruk import api

        url = f"{API}/services?format=ndjson"
        cold = self.count(url)
        warm = self.count(url)
        # Stored records: one query for the chunk.
        self.assertEqual(warm, 1)
        self.add_services(2)
        # Still one chunk: no more queries for more services, rebuilt or stored.
        self.assertEqual((self.count(url), self.count(url)), (cold, warm))
        original = api.NDJSON_CHUNK_SIZE
        try:
            api.NDJSON_CHUNK_SIZE = 2
            # 5 services in chunks of 2: three chunks, each asking what the one chunk did.
            self.change_the_map()
            self.assertEqual((self.count(url), self.count(url)), (3 * cold, 3 * warm))
        finally:
            api.NDJSON_CHUNK_SIZE = original
