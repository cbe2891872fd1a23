from django.contrib import admin

from waymark.places.models import AccommodationSite, Area, OutcodeCentroid, PostcodeCentroid
from waymark.places.postcodes import normalise_postcode


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "gss_code", "region"]
    list_filter = ["kind", "region"]
    search_fields = ["name", "gss_code"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(OutcodeCentroid)
class OutcodeCentroidAdmin(admin.ModelAdmin):
    """Read-only: the rows come from the committed Code-Point Open file (data/SOURCE.md)."""

    list_display = ["outcode", "latitude", "longitude", "postcode_count"]
    search_fields = ["outcode"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PostcodeCentroid)
class PostcodeCentroidAdmin(admin.ModelAdmin):
    """Read-only: the rows come from `manage.py import_postcodes`."""

    list_display = ["postcode", "latitude", "longitude"]
    search_fields = ["postcode"]
    # Counting 1.7 million rows on every page is slow on PostgreSQL.
    show_full_result_count = False

    def get_search_results(self, request, queryset, search_term):
        """A typed postcode ("bl11aa") finds that postcode; anything else is a prefix ("BL1 1").

        The admin's own search splits on spaces and looks for each word anywhere, which finds
        nothing useful in a postcode and scans all 1.7 million rows; a prefix uses the index.
        """
        term = " ".join(search_term.upper().split())
        if not term:
            return queryset, False
        postcode = normalise_postcode(term)
        if postcode is not None:
            return queryset.filter(postcode=postcode), False
        return queryset.filter(postcode__startswith=term), False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AccommodationSite)
class AccommodationSiteAdmin(admin.ModelAdmin):
    """The register of asylum accommodation sites, so that a person's journey can name one."""

    list_display = ["name", "kind", "provider", "area", "opened_on", "closed_on"]
    list_filter = ["kind", "provider", "area"]
    search_fields = ["name"]
    list_select_related = ["provider", "area"]
    autocomplete_fields = ["area"]
