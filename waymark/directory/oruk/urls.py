"""The Open Referral UK 3.0 API at /api/oruk/: open to everyone, no key, CORS for everyone.

ORUK's paths have no trailing slash (``/services/{id}``); one is accepted too.
"""

from django.urls import path, re_path

from waymark.directory.oruk import api

app_name = "oruk"

urlpatterns = [
    path("", api.api_details, name="api_details"),
    path("openapi.json", api.openapi, name="openapi"),
    re_path(r"^schema/(?P<name>[a-z_]+)\.json$", api.schema, name="schema"),
    path("docs/", api.docs, name="docs"),
    re_path(r"^services/?$", api.services, name="services"),
    re_path(r"^services/(?P<service_id>[^/]+)/?$", api.service, name="service"),
    re_path(r"^service_at_locations/?$", api.service_at_locations, name="service_at_locations"),
    re_path(r"^service_at_locations/(?P<link_id>[^/]+)/?$", api.service_at_location, name="service_at_location"),
    re_path(r"^organizations/?$", api.organizations, name="organizations"),
    re_path(r"^organizations/(?P<organization_id>[^/]+)/?$", api.organization, name="organization"),
    re_path(r"^taxonomies/?$", api.taxonomies, name="taxonomies"),
    re_path(r"^taxonomies/(?P<taxonomy_id>[^/]+)/?$", api.taxonomy, name="taxonomy"),
    re_path(r"^taxonomy_terms/?$", api.taxonomy_terms, name="taxonomy_terms"),
    re_path(r"^taxonomy_terms/(?P<term_id>[^/]+)/?$", api.taxonomy_term, name="taxonomy_term"),
    # Anything else here answers in JSON, with CORS, like the rest of the API.
    re_path(r"^(?P<rest>.*)$", api.not_found),
]
