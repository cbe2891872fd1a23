"""Change requests: proposed with only what changes, approved onto the live listing (and only
then), rejected with a reason, withdrawn; the submitter told by e-mail; no illegal moves."""

import uuid

from django.core import mail
from django.core.exceptions import ValidationError

from waymark.audit.models import Event
from waymark.directory.actions import IllegalTransition
from waymark.directory.actions.changes import (
    do_approve_change,
    do_propose_change,
    do_reject_change,
    do_withdraw_change,
)
from waymark.directory.listing_data import apply_service_data, service_data
from waymark.directory.models import (
    Attribute,
    ChangeRequest,
    ImportRun,
    Location,
    Service,
    TaxonomyTerm,
    Translation,
)
from waymark.directory.tests.builders import make_need, make_organization
from waymark.testing import BaseTestCase

Target = ChangeRequest.TargetType
Kind = ChangeRequest.Kind


class ChangeTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.food = make_need("food")
        cls.organization = make_organization(waymark_organisation=cls.hub_org, network=cls.network)
        cls.service = apply_service_data(
            Service(organization=cls.organization),
            {"name": "Food bank", "free": True, "needs": ["food"], "languages": ["en"]},
            organization=cls.organization,
        )

    def propose(self, data, **kwargs):
        kwargs.setdefault("target_type", Target.SERVICE)
        kwargs.setdefault("kind", Kind.UPDATE)
        kwargs.setdefault("target", self.service)
        return do_propose_change(organization=self.organization, data=data, acting_user=self.coordinator, **kwargs)


class ProposeTests(ChangeTestCase):
    def test_it_keeps_only_the_changed_fields_and_their_values_before(self):
        data = dict(service_data(self.service), name="Community food bank", languages=["en", "ar"])

        change = self.propose(data)

        self.assertEqual(change.proposed, {"name": "Community food bank", "languages": ["en", "ar"]})
        self.assertEqual(change.previous, {"name": "Food bank", "languages": ["en"]})
        self.assertEqual(change.status, ChangeRequest.Status.PENDING)
        self.assertEqual(change.target_id, self.service.id)
        self.assertTrue(Event.objects.filter(action="directory.change_proposed", object_id=str(change.uuid)).exists())

    def test_nothing_reaches_the_live_listing_before_approval(self):
        self.propose({"name": "Community food bank"})

        self.service.refresh_from_db()
        self.assertEqual(self.service.name, "Food bank")
        self.assertFalse(Service.objects.public().filter(name="Community food bank").exists())

    def test_it_refuses_invalid_data_and_no_change(self):
        with self.assertRaises(ValidationError):
            self.propose({"minimum_age": 40, "maximum_age": 4})
        with self.assertRaises(ValidationError):
            self.propose({"name": "Food bank"})
        self.assertFalse(ChangeRequest.objects.exists())

    def test_it_refuses_another_organisations_listing(self):
        other = make_organization("Elsewhere", waymark_organisation=self.other_org)
        with self.assertRaises(ValueError):
            do_propose_change(
                organization=other,
                target_type=Target.SERVICE,
                kind=Kind.UPDATE,
                target=self.service,
                data={"name": "Mine now"},
                acting_user=self.outsider,
            )


class ApproveTests(ChangeTestCase):
    def approve(self, change, **kwargs):
        with self.captureOnCommitCallbacks(execute=True):
            return do_approve_change(change, acting_user=self.editor, **kwargs)

    def test_it_applies_the_change_audits_it_and_tells_the_submitter(self):
        change = self.propose({"name": "Community food bank", "languages": ["en", "ar"]})
        before = Service.objects.get(id=self.service.id).last_modified

        self.approve(change)

        service = Service.objects.get(id=self.service.id)
        self.assertEqual(service.name, "Community food bank")
        self.assertEqual(sorted(service.languages.values_list("code", flat=True)), ["ar", "en"])
        self.assertGreater(service.last_modified, before)
        self.assertIn("community", service.search_text)
        change.refresh_from_db()
        self.assertEqual((change.status, change.decided_by), (ChangeRequest.Status.APPROVED, self.editor))
        self.assertTrue(Event.objects.filter(action="directory.change_approved", actor=self.editor).exists())
        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(mail.outbox[0].to, ["coordinator@example.org"])
        self.assertIn("approved", mail.outbox[0].subject)
        self.assertIn(str(change.uuid), mail.outbox[0].body)

    def test_it_writes_the_e_mail_in_the_submitters_language(self):
        self.coordinator.language = "fr"
        self.coordinator.save()
        change = self.propose({"name": "Community food bank"})

        self.approve(change)

        self.assertIn("/fr/", mail.outbox[0].body)

    def test_it_creates_a_new_service(self):
        data = {"name": "Sewing circle", "free": True, "needs": ["food"]}
        change = self.propose(data, kind=Kind.CREATE, target=None)
        self.assertIsNone(change.target_id)
        self.assertFalse(Service.objects.filter(name="Sewing circle").exists())

        self.approve(change)

        change.refresh_from_db()
        service = Service.objects.get(id=change.target_id)
        self.assertEqual((service.name, service.organization), ("Sewing circle", self.organization))
        self.assertTrue(Service.objects.public().filter(id=service.id).exists())

    def test_a_change_an_import_queued_keeps_its_listing_id_and_tells_nobody(self):
        run = ImportRun.objects.create(source="https://feeds.example/services", source_name="Council map")
        feed_id = uuid.uuid4()
        change = ChangeRequest.objects.create(
            organization=self.organization,
            target_type=Target.SERVICE,
            target_id=feed_id,
            kind=Kind.CREATE,
            proposed={"name": "Sewing circle", "free": True, "needs": ["food"]},
            summary="Sewing circle",
            import_run=run,
        )
        mail.outbox.clear()

        self.approve(change)

        self.assertEqual(Service.objects.get(id=feed_id).name, "Sewing circle")
        self.assertEqual(mail.outbox, [])

    def test_a_services_needs_are_only_waymark_needs(self):
        outside = TaxonomyTerm.objects.create(name="Food parcels", description="From a council's taxonomy")
        Attribute.objects.create(
            taxonomy_term=outside, link_entity="service", link_id=self.service.id, link_type="service_type"
        )

        self.assertEqual(list(self.service.needs()), [self.food])

    def test_it_removes_a_service_from_the_map(self):
        change = self.propose({}, kind=Kind.REMOVE)

        self.approve(change)

        self.assertEqual(Service.objects.get(id=self.service.id).status, Service.Status.DEFUNCT)
        self.assertFalse(Service.objects.public().filter(id=self.service.id).exists())

    def test_it_creates_and_changes_a_location_and_the_organisation(self):
        location_data = {
            "name": "Church hall",
            "address_1": "1 Deansgate",
            "city": "Bolton",
            "postal_code": "BL1 1AA",
            "address_hidden": True,
            "area": "bolton",
        }
        change = self.propose(location_data, target_type=Target.LOCATION, kind=Kind.CREATE, target=None)
        self.approve(change)
        location = Location.objects.get(organization=self.organization)
        self.assertTrue(location.address_hidden)

        change = self.propose({"name": "Big hall"}, target_type=Target.LOCATION, target=location)
        self.approve(change)
        self.assertEqual(Location.objects.get(id=location.id).name, "Big hall")

        change = self.propose(
            {"description": "Welcomes everyone."}, target_type=Target.ORGANIZATION, target=self.organization
        )
        self.approve(change)
        self.organization.refresh_from_db()
        self.assertEqual(self.organization.description, "Welcomes everyone.")

    def test_it_approves_a_translation_as_reviewed_when_the_editor_says_so(self):
        change = self.propose(
            {"language": "ar", "texts": {"name": "بنك الطعام", "description": ""}},
            target_type=Target.TRANSLATION,
        )
        self.assertEqual(
            change.proposed, {"object": "directory.service", "language": "ar", "texts": {"name": "بنك الطعام"}}
        )

        self.approve(change, mark_translation_reviewed=True)

        translation = Translation.objects.get(object_id=self.service.id, field_name="name", language="ar")
        self.assertEqual((translation.text, translation.status), ("بنك الطعام", Translation.Status.REVIEWED))
        self.assertFalse(translation.is_out_of_date(self.service))
        self.assertEqual(translation.translated_by, self.coordinator)

    def test_it_approves_a_translation_of_a_location(self):
        location = Location.objects.create(location_type="physical", name="Hall", organization=self.organization)
        change = self.propose(
            {"language": "uk", "texts": {"name": "Зала"}}, target_type=Target.TRANSLATION, target=location
        )

        self.approve(change, mark_translation_reviewed=True)

        translation = Translation.objects.get(object_id=location.id)
        self.assertEqual((translation.model_label, translation.text), ("directory.location", "Зала"))

    def test_a_translation_stays_a_draft_unless_marked_reviewed(self):
        change = self.propose(
            {"language": "fr", "texts": {"name": "Banque alimentaire"}}, target_type=Target.TRANSLATION
        )
        self.approve(change)
        self.assertEqual(
            Translation.objects.get(object_id=self.service.id, language="fr").status, Translation.Status.DRAFT
        )

    def test_it_refuses_to_approve_a_change_that_no_longer_fits(self):
        location = Location.objects.create(location_type="physical", name="Hall", organization=self.organization)
        change = self.propose({"location": str(location.id)})
        location.delete()

        with self.assertRaises(ValidationError):
            self.approve(change)

        change.refresh_from_db()
        self.assertEqual(change.status, ChangeRequest.Status.PENDING)
        self.assertEqual(mail.outbox, [])


class RejectAndWithdrawTests(ChangeTestCase):
    def test_it_rejects_with_a_reason_and_tells_the_submitter(self):
        change = self.propose({"name": "Community food bank"})

        with self.captureOnCommitCallbacks(execute=True):
            do_reject_change(change, reason="Please give the full name.", acting_user=self.editor)

        change.refresh_from_db()
        self.assertEqual((change.status, change.reason), (ChangeRequest.Status.REJECTED, "Please give the full name."))
        self.assertEqual(Service.objects.get(id=self.service.id).name, "Food bank")
        self.assertEqual(len(mail.outbox), 1)
        self.assertIn("Please give the full name.", mail.outbox[0].body)
        self.assertTrue(Event.objects.filter(action="directory.change_rejected").exists())

    def test_a_rejection_needs_a_reason(self):
        change = self.propose({"name": "Community food bank"})
        with self.assertRaises(ValidationError):
            do_reject_change(change, reason="  ", acting_user=self.editor)
        change.refresh_from_db()
        self.assertEqual(change.status, ChangeRequest.Status.PENDING)

    def test_it_withdraws_a_pending_change(self):
        change = self.propose({"name": "Community food bank"})

        do_withdraw_change(change, acting_user=self.coordinator)

        change.refresh_from_db()
        self.assertEqual(change.status, ChangeRequest.Status.WITHDRAWN)
        self.assertTrue(Event.objects.filter(action="directory.change_withdrawn").exists())

    def test_no_decision_can_be_taken_twice(self):
        rejected = self.propose({"name": "Community food bank"})
        do_reject_change(rejected, reason="No.", acting_user=self.editor)
        withdrawn = self.propose({"name": "Food bank for all"})
        do_withdraw_change(withdrawn, acting_user=self.coordinator)
        approved = self.propose({"name": "Food bank Bolton"})
        do_approve_change(approved, acting_user=self.editor)

        for change in (rejected, withdrawn, approved):
            with self.subTest(status=change.status):
                with self.assertRaises(IllegalTransition):
                    do_approve_change(change, acting_user=self.editor)
                with self.assertRaises(IllegalTransition):
                    do_reject_change(change, reason="Changed my mind.", acting_user=self.editor)
                with self.assertRaises(IllegalTransition):
                    do_withdraw_change(change, acting_user=self.coordinator)
        self.assertEqual(Service.objects.get(id=self.service.id).name, "Food bank Bolton")
