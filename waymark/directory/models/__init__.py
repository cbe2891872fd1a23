"""The service map's data: the Open Referral HSDS 3.0 objects, with Waymark's extensions.

Every HSDS object is a model named after it, with HSDS's field names, so that the ORUK API,
import and export map field for field. Relations are foreign keys named after the HSDS
``*_id`` field without its suffix (``Service.organization`` is HSDS ``organization_id``), and
reverse relations are named after the HSDS arrays (``service.phones``, ``location.addresses``).
Every id is a UUID, the HSDS id itself, so importing the same record twice finds the same row.

HSDS strings with no value are stored as "" (never NULL) and left out of the API, which never
sends null. Waymark's own fields (who a service is for, how to get it, regulation, verification,
capacity status) are typed columns, published later as HSDS attributes of a Waymark taxonomy.
The schema files named in the docstrings are in the HSDS 3.0 (and 3.1) ``schema/`` folder.
"""

from waymark.directory.models.base import (
    IMMIGRATION_ADVICE_SLUG,
    NEED_LINK_TYPE,
    NEEDS_TAXONOMY_NAME,
    HsdsObject,
    text_hash,
)
from waymark.directory.models.editorial import (
    ChangeRequest,
    OrganisationRegistration,
    ProblemReport,
    ServiceFeedback,
    ServiceSuggestion,
    VerificationLink,
)
from waymark.directory.models.imports import Feed, ImportedRecord, ImportRun, NeedMapping
from waymark.directory.models.locations import (
    Accessibility,
    Address,
    Contact,
    Language,
    Location,
    LocationType,
    Phone,
    Schedule,
    ServiceAtLocation,
)
from waymark.directory.models.organizations import Funding, Organization, OrganizationIdentifier, Program
from waymark.directory.models.services import CostOption, RequiredDocument, Service, ServiceArea, ServiceCapacity, Unit
from waymark.directory.models.taxonomy import Attribute, Metadata, Synonym, Taxonomy, TaxonomyTerm
from waymark.directory.models.translations import TRANSLATION_LANGUAGES, Translation

__all__ = [
    "Feed",
    "ImportRun",
    "ImportedRecord",
    "NeedMapping",
    "VerificationLink",
    "ServiceSuggestion",
    "ServiceFeedback",
    "ProblemReport",
    "OrganisationRegistration",
    "ChangeRequest",
    "IMMIGRATION_ADVICE_SLUG",
    "NEED_LINK_TYPE",
    "NEEDS_TAXONOMY_NAME",
    "TRANSLATION_LANGUAGES",
    "Accessibility",
    "Address",
    "Attribute",
    "Contact",
    "CostOption",
    "Funding",
    "HsdsObject",
    "Language",
    "Location",
    "LocationType",
    "Metadata",
    "Organization",
    "OrganizationIdentifier",
    "Phone",
    "Program",
    "RequiredDocument",
    "Schedule",
    "Service",
    "ServiceArea",
    "ServiceAtLocation",
    "ServiceCapacity",
    "Synonym",
    "Taxonomy",
    "TaxonomyTerm",
    "Translation",
    "Unit",
    "text_hash",
]
