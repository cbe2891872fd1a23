"""A listing imported from another directory says where it came from on its public page."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext

from waymark.directory.models import ImportedRecord, Service
from waymark.directory.tests.builders import make_organization, make_service
from waymark.testing import BaseTestCase

IMPORTED_AT = dt.datetime(2026, 3, 4, 9, 30, tzinfo=dt.UTC)


def mark_imported(service, source_name, imported_at=IMPORTED_AT, original_id="svc-1"):
    return ImportedRecord.objects.create(
        entity=Service.hsds_entity,
        object_id=service.id,
        source_key="https://example.org/api/services",
        source_name=source_name,
        original_id=original_id,
        imported_at=imported_at,
    )


class ProvenanceTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        organization = make_organization("Bolton Council")
        cls.imported = make_service("Warm space", organization=organization)
        cls.own = make_service("Drop-in advice", organization=organization)
        mark_imported(cls.imported, "Bolton Council directory")

    def url(self, service):
        return f"/services/{service.id}/"

    def test_it_says_who_listed_an_imported_service_and_when(self):
        response = self.client.get(self.url(self.imported))

        self.assertContains(
            response, '<p class="provenance">Listed by Bolton Council directory, imported 4 March 2026</p>', html=True
        )

    def test_it_says_nothing_of_the_kind_on_a_service_listed_here(self):
        response = self.client.get(self.url(self.own))

        self.assertContains(response, "Drop-in advice")
        self.assertNotContains(response, "Listed by")
        self.assertNotContains(response, 'class="provenance"')

    def test_it_shows_the_latest_import_when_two_sources_list_the_same_service(self):
        mark_imported(
            self.imported,
            "Greater Manchester map",
            imported_at=IMPORTED_AT + dt.timedelta(days=30),
            original_id="gm-77",
        )

        response = self.client.get(self.url(self.imported))

        self.assertContains(response, "Listed by Greater Manchester map, imported 3 April 2026")
        self.assertNotContains(response, "Bolton Council directory")

    def test_a_source_without_a_name_still_gives_the_date(self):
        other = make_service("Sewing group", organization=self.imported.organization)
        mark_imported(other, "", original_id="svc-2")

        response = self.client.get(self.url(other))

        self.assertContains(response, "Imported from another directory on 4 March 2026")

    def test_an_imported_service_costs_no_more_queries_than_one_listed_here(self):
        counts = []
        for service in (self.own, self.imported):
            self.client.get(self.url(service))
            with CaptureQueriesContext(connection) as queries:
                self.client.get(self.url(service))
            counts.append(len(queries.captured_queries))

        self.assertEqual(counts[0], counts[1])
