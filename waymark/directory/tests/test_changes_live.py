"""Capacity and the temporary notice go live at once, with their own time, audited."""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone

from waymark.audit.models import Event
from waymark.directory.actions.live import do_set_capacity, do_set_notice
from waymark.directory.models import Service, ServiceCapacity, Unit
from waymark.directory.tests.builders import make_organization, make_service
from waymark.testing import BaseTestCase


class LiveChangesTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.organization = make_organization(waymark_organisation=cls.hub_org, network=cls.network)
        cls.service = make_service(organization=cls.organization)

    def test_it_sets_capacity_at_once_with_its_own_time(self):
        do_set_capacity(self.service, capacity_status="waiting_list", acting_user=self.coordinator)

        service = Service.objects.get(id=self.service.id)
        self.assertEqual(service.capacity_status, "waiting_list")
        self.assertIsNotNone(service.capacity_updated_at)
        event = Event.objects.get(action="directory.capacity_set")
        self.assertEqual((event.actor, event.organisation), (self.coordinator, self.hub_org))
        self.assertEqual(event.details["capacity_status"], "waiting_list")

    def test_it_records_hsds_capacity_by_unit(self):
        unit = Unit.objects.create(name="Bed")
        do_set_capacity(
            self.service,
            capacity_status="taking_new",
            available=Decimal(3),
            maximum=Decimal(10),
            unit=unit,
            acting_user=self.coordinator,
        )
        do_set_capacity(
            self.service, capacity_status="taking_new", available=Decimal(2), unit=unit, acting_user=self.coordinator
        )
        self.assertEqual(ServiceCapacity.objects.get(service=self.service).available, 2)

    def test_it_refuses_an_unknown_capacity(self):
        with self.assertRaises(ValidationError):
            do_set_capacity(self.service, capacity_status="overflowing", acting_user=self.coordinator)
        self.assertFalse(Event.objects.filter(action="directory.capacity_set").exists())

    def test_it_sets_and_takes_down_the_notice(self):
        ends = timezone.localdate() + dt.timedelta(days=3)
        do_set_notice(self.service, alert="Closed for Eid.", alert_ends_on=ends, acting_user=self.coordinator)

        service = Service.objects.get(id=self.service.id)
        self.assertEqual((service.current_alert(), service.alert_ends_on), ("Closed for Eid.", ends))
        self.assertIsNotNone(service.alert_updated_at)

        do_set_notice(self.service, alert="", alert_ends_on=None, acting_user=self.coordinator)
        self.assertEqual(Service.objects.get(id=self.service.id).alert, "")
        self.assertEqual(
            list(Event.objects.filter(object_id=str(self.service.id)).order_by("id").values_list("action", flat=True)),
            ["directory.notice_set", "directory.notice_removed"],
        )

    def test_it_refuses_a_notice_ending_in_the_past(self):
        with self.assertRaises(ValidationError):
            do_set_notice(
                self.service,
                alert="Closed.",
                alert_ends_on=timezone.localdate() - dt.timedelta(days=1),
                acting_user=self.coordinator,
            )
