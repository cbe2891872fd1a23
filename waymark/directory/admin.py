"""The directory in the admin site: for staff putting things right and editing the synonyms.

Organisations keep their listings up to date through Waymark's own pages, with directory
editors' review; the admin bypasses that review, so every change here is audited.
"""

from django.apps import apps
from django.contrib import admin

from waymark.accounts.admin import AuditedAdmin
from waymark.directory.models import (
    Accessibility,
    Address,
    Attribute,
    ChangeRequest,
    Contact,
    CostOption,
    Feed,
    Funding,
    ImportedRecord,
    ImportRun,
    Language,
    Location,
    Metadata,
    NeedMapping,
    OrganisationRegistration,
    Organization,
    OrganizationIdentifier,
    Phone,
    ProblemReport,
    Program,
    RequiredDocument,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceCapacity,
    ServiceFeedback,
    ServiceSuggestion,
    Synonym,
    Taxonomy,
    TaxonomyTerm,
    Translation,
    Unit,
    VerificationLink,
    text_hash,
)


class CompactInline(admin.StackedInline):
    extra = 0
    show_change_link = True


class OrganizationIdentifierInline(admin.TabularInline):
    model = OrganizationIdentifier
    extra = 0


class ProgramInline(CompactInline):
    model = Program


class FundingInline(admin.TabularInline):
    model = Funding
    extra = 0
    fields = ["source"]


class PhoneInline(admin.TabularInline):
    model = Phone
    extra = 0
    fields = ["number", "extension", "type", "description"]


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0
    fields = ["name", "title", "department", "email"]
    show_change_link = True


class LanguageInline(admin.TabularInline):
    model = Language
    extra = 0
    fields = ["name", "code", "note"]


class ScheduleInline(CompactInline):
    model = Schedule
    fields = [
        ("freq", "interval", "byday", "bymonthday"),
        ("opens_at", "closes_at"),
        ("valid_from", "valid_to", "dtstart", "until", "count"),
        "description",
        "attending_type",
        "notes",
        "schedule_link",
    ]


class ServiceAtLocationInline(admin.TabularInline):
    model = ServiceAtLocation
    extra = 0
    autocomplete_fields = ["location"]
    show_change_link = True


class ServiceAreaInline(CompactInline):
    model = ServiceArea


class CostOptionInline(admin.TabularInline):
    model = CostOption
    extra = 0


class RequiredDocumentInline(admin.TabularInline):
    model = RequiredDocument
    extra = 0


class ServiceCapacityInline(admin.TabularInline):
    model = ServiceCapacity
    extra = 0


class AddressInline(CompactInline):
    model = Address


class AccessibilityInline(admin.TabularInline):
    model = Accessibility
    extra = 0


@admin.register(Organization)
class OrganizationAdmin(AuditedAdmin):
    list_display = ["name", "waymark_organisation", "data_sharing_with_authorities", "updated_at"]
    list_filter = ["data_sharing_with_authorities"]
    search_fields = ["name", "alternate_name", "organization_identifiers__identifier"]
    autocomplete_fields = ["parent_organization"]
    raw_id_fields = ["waymark_organisation"]
    inlines = [OrganizationIdentifierInline, ProgramInline, PhoneInline, ContactInline, FundingInline]


@admin.register(Service)
class ServiceAdmin(AuditedAdmin):
    list_display = ["name", "organization", "status", "capacity_status", "verified_at", "updated_at"]
    list_filter = [
        "status",
        "capacity_status",
        "verification_method",
        "advice_regulator",
        "regulator_not_confirmed",
        "accepts_waymark_referrals",
    ]
    search_fields = ["name", "alternate_name", "organization__name"]
    autocomplete_fields = ["organization", "program"]
    filter_horizontal = ["restricted_to_areas"]
    raw_id_fields = ["verified_by"]
    readonly_fields = ["search_text", "created_at", "updated_at"]
    inlines = [
        ServiceAtLocationInline,
        PhoneInline,
        ScheduleInline,
        LanguageInline,
        ServiceAreaInline,
        ContactInline,
        CostOptionInline,
        RequiredDocumentInline,
        FundingInline,
        ServiceCapacityInline,
    ]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # The search column follows the names and needs it is made from, whoever edits them.
        service = form.instance
        service.build_search_text()
        service.save(update_fields=list(Service.SEARCH_FIELDS))


@admin.register(Location)
class LocationAdmin(AuditedAdmin):
    list_display = ["__str__", "location_type", "organization", "area", "address_hidden"]
    list_filter = ["location_type", "address_hidden", "area"]
    search_fields = ["name", "alternate_name", "addresses__postal_code", "addresses__address_1"]
    autocomplete_fields = ["organization"]
    inlines = [AddressInline, AccessibilityInline, PhoneInline, ScheduleInline, LanguageInline, ContactInline]


@admin.register(ServiceAtLocation)
class ServiceAtLocationAdmin(AuditedAdmin):
    list_display = ["service", "location"]
    search_fields = ["service__name", "location__name"]
    autocomplete_fields = ["service", "location"]
    inlines = [PhoneInline, ScheduleInline, ContactInline]


@admin.register(Contact)
class ContactAdmin(AuditedAdmin):
    list_display = ["__str__", "title", "organization", "service", "location"]
    search_fields = ["name", "title", "email"]
    autocomplete_fields = ["organization", "service", "service_at_location", "location"]
    inlines = [PhoneInline]


@admin.register(Phone)
class PhoneAdmin(AuditedAdmin):
    list_display = ["number", "type", "organization", "service", "location"]
    list_filter = ["type"]
    search_fields = ["number", "description"]
    autocomplete_fields = ["organization", "service", "service_at_location", "location", "contact"]
    inlines = [LanguageInline]


@admin.register(Program)
class ProgramAdmin(AuditedAdmin):
    list_display = ["name", "organization"]
    search_fields = ["name", "alternate_name", "organization__name"]
    autocomplete_fields = ["organization"]


@admin.register(Unit)
class UnitAdmin(AuditedAdmin):
    list_display = ["name", "scheme", "identifier"]
    search_fields = ["name", "identifier"]


@admin.register(Taxonomy)
class TaxonomyAdmin(AuditedAdmin):
    list_display = ["name", "version", "uri"]
    search_fields = ["name"]


class SynonymInline(admin.TabularInline):
    model = Synonym
    extra = 1
    fields = ["language", "word"]


@admin.register(TaxonomyTerm)
class TaxonomyTermAdmin(AuditedAdmin):
    list_display = ["name", "slug", "parent", "taxonomy", "position"]
    list_filter = ["taxonomy"]
    search_fields = ["name", "slug", "code", "synonyms__word"]
    autocomplete_fields = ["parent"]
    inlines = [SynonymInline]


@admin.register(Synonym)
class SynonymAdmin(AuditedAdmin):
    list_display = ["word", "language", "term"]
    list_filter = ["language", "term"]
    search_fields = ["word", "term__name"]
    autocomplete_fields = ["term"]


@admin.register(Attribute)
class AttributeAdmin(AuditedAdmin):
    list_display = ["taxonomy_term", "link_entity", "link_id", "link_type", "value"]
    list_filter = ["link_entity", "link_type"]
    search_fields = ["link_id", "taxonomy_term__name", "value"]
    autocomplete_fields = ["taxonomy_term"]


@admin.register(Metadata)
class MetadataAdmin(admin.ModelAdmin):
    list_display = ["last_action_date", "last_action_type", "resource_type", "field_name", "updated_by"]
    list_filter = ["resource_type", "last_action_type"]
    search_fields = ["resource_id", "field_name", "updated_by"]


@admin.register(Translation)
class TranslationAdmin(AuditedAdmin):
    list_display = ["model_label", "field_name", "language", "status", "updated_at"]
    list_filter = ["language", "status", "model_label"]
    search_fields = ["object_id", "text"]
    raw_id_fields = ["translated_by"]
    readonly_fields = ["source_text_hash", "created_at", "updated_at"]

    def save_model(self, request, obj, form, change):
        # Whoever saves a translation here vouches for it against the English text as it is now.
        source = apps.get_model(obj.model_label).objects.filter(id=obj.object_id).first()
        if source is not None:
            obj.source_text_hash = text_hash(getattr(source, obj.field_name))
        super().save_model(request, obj, form, change)


# The remaining HSDS objects, for completeness; most are edited inline above.
for model, fields in [
    (OrganizationIdentifier, ["identifier_type", "identifier", "organization"]),
    (Funding, ["source", "organization", "service"]),
    (Address, ["address_1", "city", "postal_code", "address_type", "location"]),
    (Accessibility, ["description", "location"]),
    (Language, ["name", "code", "service", "location", "phone"]),
    (Schedule, ["__str__", "service", "location", "service_at_location"]),
    (ServiceArea, ["name", "service"]),
    (CostOption, ["__str__", "service"]),
    (RequiredDocument, ["document", "service"]),
    (ServiceCapacity, ["service", "unit", "available", "maximum", "updated"]),
]:
    admin.site.register(
        model,
        type(
            f"{model.__name__}Admin",
            (AuditedAdmin,),
            {"list_display": fields},
        ),
    )


# --- The editorial workflow: read-only here. Every step goes through the editors' pages
# (waymark/directory/actions/), which check the state machine, write the audit event and
# send the e-mails; the admin only lets an administrator look things up.


class WorkflowRecordAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ChangeRequest)
class ChangeRequestAdmin(WorkflowRecordAdmin):
    list_display = ["summary", "organization", "target_type", "kind", "status", "submitted_at", "decided_at"]
    list_filter = ["status", "target_type", "kind"]
    search_fields = ["summary", "organization__name"]


@admin.register(OrganisationRegistration)
class OrganisationRegistrationAdmin(WorkflowRecordAdmin):
    list_display = ["name", "area", "network", "status", "submitted_at", "decided_at"]
    list_filter = ["status", "network"]
    search_fields = ["name"]


@admin.register(ProblemReport)
class ProblemReportAdmin(WorkflowRecordAdmin):
    list_display = ["service", "kind", "status", "created_at"]
    list_filter = ["status", "kind"]


@admin.register(ServiceSuggestion)
class ServiceSuggestionAdmin(WorkflowRecordAdmin):
    list_display = ["name", "where", "status", "created_at"]
    list_filter = ["status"]


@admin.register(ServiceFeedback)
class ServiceFeedbackAdmin(WorkflowRecordAdmin):
    list_display = ["service", "got_help", "treated_well", "created_at"]
    list_filter = ["got_help", "treated_well"]


@admin.register(VerificationLink)
class VerificationLinkAdmin(WorkflowRecordAdmin):
    list_display = ["service", "sent_at", "expires_at", "used_at"]
    exclude = ["token_hash", "sent_to"]


# --- Imports. Feeds are set up here (the "admin-editable" list of feeds per area), and
# so are corrections to need mappings; runs and imported records are what an import wrote, to
# look up only.


@admin.register(Feed)
class FeedAdmin(AuditedAdmin):
    list_display = ["name", "area", "mode", "active", "url", "updated_at"]
    list_filter = ["mode", "active", "area"]
    search_fields = ["name", "url"]
    readonly_fields = ["uuid", "created_at", "updated_at"]


@admin.register(ImportRun)
class ImportRunAdmin(WorkflowRecordAdmin):
    list_display = [
        "source",
        "source_name",
        "feed",
        "status",
        "dry_run",
        "started_at",
        "created",
        "updated",
        "rejected",
    ]
    list_filter = ["status", "dry_run", "publish", "format", "feed"]
    search_fields = ["source", "source_name", "uuid"]
    date_hierarchy = "started_at"


@admin.register(ImportedRecord)
class ImportedRecordAdmin(WorkflowRecordAdmin):
    list_display = ["entity", "original_id", "object_id", "source_name", "feed", "imported_at"]
    list_filter = ["entity", "feed"]
    search_fields = ["original_id", "object_id", "source_name", "source_key"]


@admin.register(NeedMapping)
class NeedMappingAdmin(AuditedAdmin):
    list_display = ["term", "need", "mapped_by", "mapped_at"]
    search_fields = ["term__name", "need__name"]
    autocomplete_fields = ["term", "need"]
    raw_id_fields = ["mapped_by"]
