from django.core.cache import cache
from django.test import RequestFactory, SimpleTestCase, override_settings

from waymark.lib.ratelimit import client_ip, hit


@override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}})
class RateLimitTests(SimpleTestCase):
    def setUp(self):
        cache.clear()
        self.factory = RequestFactory()

    def test_allows_up_to_the_limit_then_refuses_that_client_only(self):
        first = self.factory.post("/", REMOTE_ADDR="203.0.113.5")
        other = self.factory.post("/", REMOTE_ADDR="203.0.113.6")
        self.assertEqual([hit(first, "report", limit=3) for _ in range(4)], [True, True, True, False])
        self.assertTrue(hit(other, "report", limit=3))
        self.assertTrue(hit(first, "suggest", limit=3), "each action counts on its own")

    def test_stores_no_address(self):
        hit(self.factory.post("/", REMOTE_ADDR="203.0.113.5"), "report", limit=3)
        self.assertFalse([key for key in cache._cache if "203.0.113.5" in key])

    @override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=1)
    def test_behind_a_proxy_the_forwarded_address_counts(self):
        request = self.factory.post("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7")
        self.assertEqual(client_ip(request), "198.51.100.7")
