"""The read-only admin lists of outcode and postcode centroids."""

from django.urls import reverse

from waymark.places.models import OutcodeCentroid, PostcodeCentroid
from waymark.testing import BaseTestCase


class CentroidAdminTests(BaseTestCase):
    def test_it_lets_an_administrator_find_an_outcode(self):
        self.login(self.admin)

        response = self.client.get(reverse("admin:places_outcodecentroid_changelist"), {"q": "BL1"})

        self.assertContains(response, "BL1")
        self.assertNotContains(response, ">NE1<")

    def test_it_finds_postcodes_by_their_beginning(self):
        PostcodeCentroid.objects.create(postcode="BL1 1AA", latitude=53.578124, longitude=-2.429871)
        PostcodeCentroid.objects.create(postcode="M1 1AD", latitude=53.483784, longitude=-2.244866)
        self.login(self.admin)

        for typed in ("BL1 1", "bl1", "bl11aa"):
            with self.subTest(typed=typed):
                response = self.client.get(reverse("admin:places_postcodecentroid_changelist"), {"q": typed})

                self.assertContains(response, "BL1 1AA")
                self.assertNotContains(response, "M1 1AD")

    def test_it_offers_no_way_to_change_reference_data(self):
        self.login(self.admin)
        bl1 = OutcodeCentroid.objects.get(outcode="BL1")

        add = self.client.get(reverse("admin:places_outcodecentroid_add"))
        delete = self.client.post(reverse("admin:places_outcodecentroid_delete", args=[bl1.pk]), {"post": "yes"})
        change = self.client.post(
            reverse("admin:places_outcodecentroid_change", args=[bl1.pk]),
            {"outcode": "BL1", "latitude": "50", "longitude": "0", "postcode_count": "1"},
        )

        self.assertEqual((add.status_code, delete.status_code), (403, 403))
        self.assertEqual(change.status_code, 403)
        bl1.refresh_from_db()
        self.assertNotEqual(bl1.latitude, 50)

    def test_it_keeps_members_without_admin_rights_out(self):
        for user in (self.coordinator, self.outsider):
            with self.subTest(user=user):
                self.login(user)
                response = self.client.get(reverse("admin:places_outcodecentroid_changelist"))
                self.assertNotContains(response, "BL1", status_code=302)
