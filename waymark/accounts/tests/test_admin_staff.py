"""Staff who are not administrators: the admin site gives them what they were given, never
an administrator's powers."""

from django.contrib.auth.models import Permission

from waymark.accounts.models import User
from waymark.testing import PASSWORD, BaseTestCase, make_user


class StaffUserAdminTestCase(BaseTestCase):
    def setUp(self):
        self.staff = make_user("staff@example.org", is_staff=True)
        self.staff.user_permissions.add(*Permission.objects.filter(codename__in=["view_user", "change_user"]))
        self.login(self.staff)

    def change(self, user, **fields):
        data = {"email": user.email, "name": user.name, "language": user.language, "is_active": "on", **fields}
        return self.client.post(f"/admin/accounts/user/{user.pk}/change/", data)

    def test_it_lets_staff_change_what_they_were_allowed_to(self):
        response = self.change(self.volunteer, name="Val Unteer")
        self.assertEqual(response.status_code, 302)
        self.volunteer.refresh_from_db()
        self.assertEqual(self.volunteer.name, "Val Unteer")

    def test_it_does_not_let_staff_make_themselves_an_administrator(self):
        self.change(self.staff, is_staff="on", is_superuser="on")
        self.staff.refresh_from_db()
        self.assertFalse(self.staff.is_superuser)

    def test_it_does_not_let_staff_open_the_admin_site_to_someone_else(self):
        self.change(self.volunteer, is_staff="on")
        self.volunteer.refresh_from_db()
        self.assertFalse(self.volunteer.is_staff)

    def test_it_does_not_let_staff_take_over_an_administrators_account(self):
        response = self.change(self.admin, email="staff-controlled@example.org")
        self.assertEqual(response.status_code, 403)
        url = f"/admin/accounts/user/{self.admin.pk}/password/"
        self.assertEqual(self.client.get(url).status_code, 403)
        response = self.client.post(url, {"password1": "a-new-long-password", "password2": "a-new-long-password"})
        self.assertEqual(response.status_code, 403)
        admin = User.objects.get(pk=self.admin.pk)
        self.assertEqual(admin.email, "admin@example.org")
        self.assertTrue(admin.check_password(PASSWORD))

    def test_it_leaves_administrators_free_to_make_administrators(self):
        self.login(self.admin)
        self.change(self.staff, is_staff="on", is_superuser="on")
        self.staff.refresh_from_db()
        self.assertTrue(self.staff.is_superuser)
