"""Organisations keep their own listings: they propose changes, an editor approves them.

Every page starts with ``access.require_listing_manager`` (or a ``get_own_…`` built on it): a
coordinator or organisation admin of the organisation the user acts for, and only that
organisation's listings; anything else is 404. Proposals become change requests (nothing
reaches the public map before approval); capacity and the temporary notice go live at once.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from waymark.directory import access
from waymark.directory.actions import IllegalTransition
from waymark.directory.actions.changes import do_propose_change, do_withdraw_change
from waymark.directory.actions.live import do_set_capacity, do_set_notice
from waymark.directory.forms.listings import (
    CapacityForm,
    LocationForm,
    NoticeForm,
    OrganizationForm,
    ServiceForm,
    TranslationForm,
    TranslationLanguageForm,
)
from waymark.directory.listing_data import location_data, organization_data, service_data
from waymark.directory.models import TRANSLATION_LANGUAGES, ChangeRequest, Location, Service, Translation
from waymark.directory.views.review import change_rows, language_label, with_field_labels

Target = ChangeRequest.TargetType
Kind = ChangeRequest.Kind
# How many decided change requests the listings page shows (the newest first).
PAST_CHANGES_SHOWN = 30


@login_required
def listings(request):
    """The organisation's directory listing: its services and locations, and its changes."""
    organization = access.require_listing_manager(request)
    services = list(access.own_services(organization).order_by("name"))
    locations = list(Location.objects.filter(organization=organization).order_by("name"))
    changes = ChangeRequest.objects.filter(organization=organization).select_related(
        "submitted_by", "decided_by", "import_run"
    )
    pending = list(changes.filter(status=ChangeRequest.Status.PENDING).order_by("submitted_at"))
    past = list(changes.exclude(status=ChangeRequest.Status.PENDING).order_by("-submitted_at")[:PAST_CHANGES_SHOWN])
    return render(
        request,
        "directory/manage/listings.html",
        {
            "organization": organization,
            "services": services,
            "locations": locations,
            "pending": with_field_labels(pending),
            "past": with_field_labels(past),
        },
    )


def _proposed(request, change):
    messages.success(
        request,
        _("Your change has been sent to the directory editors. It will be on the map once they approve it."),
    )
    return redirect("directory:own_change_request", change_uuid=change.uuid)


def _propose(request, form, **kwargs):
    """Make the change request from a valid form; on a ValidationError put it on the form."""
    organization = access.require_listing_manager(request)
    try:
        return do_propose_change(organization=organization, data=form.shape, acting_user=request.user, **kwargs)
    except ValidationError as error:
        form.add_shape_errors(error)
        return None


@login_required
@require_http_methods(["GET", "POST"])
def edit_organization(request):
    organization = access.require_listing_manager(request)
    form = OrganizationForm(request.POST or None, initial=organization_data(organization))
    if request.method == "POST" and form.is_valid():
        change = _propose(request, form, target_type=Target.ORGANIZATION, kind=Kind.UPDATE, target=organization)
        if change is not None:
            return _proposed(request, change)
    return render(
        request,
        "directory/manage/edit_organization.html",
        {"organization": organization, "form": form},
    )


def _service_form(request, organization, initial):
    locations = Location.objects.filter(organization=organization).order_by("name")
    return ServiceForm(
        request.POST or None,
        organization=organization,
        locations=locations,
        initial=ServiceForm.initial_from(initial),
    )


@login_required
@require_http_methods(["GET", "POST"])
def add_service(request):
    organization = access.require_listing_manager(request)
    form = _service_form(request, organization, service_data(Service(organization=organization)))
    if request.method == "POST" and form.is_valid():
        change = _propose(request, form, target_type=Target.SERVICE, kind=Kind.CREATE)
        if change is not None:
            return _proposed(request, change)
    return render(
        request,
        "directory/manage/edit_service.html",
        {"organization": organization, "form": form, "service": None},
    )


@login_required
@require_http_methods(["GET", "POST"])
def edit_service(request, service_id):
    service = access.get_own_service(request, service_id)
    organization = service.organization
    form = _service_form(request, organization, service_data(service))
    if request.method == "POST" and form.is_valid():
        change = _propose(request, form, target_type=Target.SERVICE, kind=Kind.UPDATE, target=service)
        if change is not None:
            return _proposed(request, change)
    waiting = ChangeRequest.objects.filter(
        organization=organization, target_id=service.id, status=ChangeRequest.Status.PENDING
    ).order_by("submitted_at")
    return render(
        request,
        "directory/manage/edit_service.html",
        {"organization": organization, "form": form, "service": service, "waiting": list(waiting)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def remove_service(request, service_id):
    """Ask for a service to come off the map (it is kept, marked defunct, with its history)."""
    service = access.get_own_service(request, service_id)
    if request.method == "POST":
        try:
            change = do_propose_change(
                organization=service.organization,
                target_type=Target.SERVICE,
                kind=Kind.REMOVE,
                target=service,
                data={},
                acting_user=request.user,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("directory:listings")
        return _proposed(request, change)
    return render(request, "directory/manage/remove_service.html", {"service": service})


@login_required
@require_http_methods(["GET", "POST"])
def add_location(request):
    organization = access.require_listing_manager(request)
    form = LocationForm(request.POST or None, initial=location_data(Location()))
    if request.method == "POST" and form.is_valid():
        change = _propose(request, form, target_type=Target.LOCATION, kind=Kind.CREATE)
        if change is not None:
            return _proposed(request, change)
    return render(
        request,
        "directory/manage/edit_location.html",
        {"organization": organization, "form": form, "location": None},
    )


@login_required
@require_http_methods(["GET", "POST"])
def edit_location(request, location_id):
    location = access.get_own_location(request, location_id)
    form = LocationForm(request.POST or None, initial=location_data(location))
    if request.method == "POST" and form.is_valid():
        change = _propose(request, form, target_type=Target.LOCATION, kind=Kind.UPDATE, target=location)
        if change is not None:
            return _proposed(request, change)
    return render(
        request,
        "directory/manage/edit_location.html",
        {"organization": location.organization, "form": form, "location": location},
    )


@login_required
@require_http_methods(["GET", "POST"])
def edit_translations(request, service_id):
    """Propose translations of the service's free text into one language (chosen first)."""
    return _translations(request, access.get_own_service(request, service_id))


@login_required
@require_http_methods(["GET", "POST"])
def edit_organization_translations(request):
    return _translations(request, access.require_listing_manager(request))


@login_required
@require_http_methods(["GET", "POST"])
def edit_location_translations(request, location_id):
    return _translations(request, access.get_own_location(request, location_id))


def _translations(request, obj):
    """Translations of ``obj``'s free text into the language chosen (``?language=``), each
    field beside its English; sent as one change request."""
    language_form = TranslationLanguageForm(request.GET or None)
    language = language_form.cleaned_data["language"] if language_form.is_valid() else None
    form = None
    translations = []
    if language:
        english = {field: getattr(obj, field) for field in obj.translatable_fields}
        translations = list(
            Translation.objects.filter(model_label=obj._meta.label_lower, object_id=obj.id, language=language)
        )
        initial = {translation.field_name: translation.text for translation in translations}
        form = TranslationForm(request.POST or None, obj=obj, english=english, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                change = do_propose_change(
                    organization=access.require_listing_manager(request),
                    target_type=Target.TRANSLATION,
                    kind=Kind.UPDATE,
                    target=obj,
                    data={"language": language, "texts": form.cleaned_data},
                    acting_user=request.user,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return _proposed(request, change)
    states = [
        {
            "field": obj._meta.get_field(t.field_name).verbose_name,
            "status": t.get_status_display(),
            "out_of_date": t.is_out_of_date(obj),
        }
        for t in translations
        if t.field_name in obj.translatable_fields
    ]
    return render(
        request,
        "directory/manage/edit_translations.html",
        {
            "obj": obj,
            "language_form": language_form,
            "language": language,
            "language_name": dict(TRANSLATION_LANGUAGES).get(language, ""),
            "form": form,
            "states": states,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def set_capacity(request, service_id):
    """Capacity goes live at once (no review), with its own time."""
    service = access.get_own_service(request, service_id)
    form = CapacityForm(request.POST or None, initial={"capacity_status": service.capacity_status})
    if request.method == "POST" and form.is_valid():
        do_set_capacity(
            service,
            capacity_status=form.cleaned_data["capacity_status"],
            unit=form.cleaned_data.get("unit"),
            available=form.cleaned_data.get("available"),
            maximum=form.cleaned_data.get("maximum"),
            acting_user=request.user,
        )
        messages.success(request, _("Capacity updated. It is on the map now."))
        return redirect("directory:listings")
    return render(request, "directory/manage/set_capacity.html", {"service": service, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def set_notice(request, service_id):
    """The temporary notice goes live at once (no review), with its own time."""
    service = access.get_own_service(request, service_id)
    form = NoticeForm(request.POST or None, initial={"alert": service.alert, "alert_ends_on": service.alert_ends_on})
    if request.method == "POST" and form.is_valid():
        try:
            do_set_notice(
                service,
                alert=form.cleaned_data["alert"],
                alert_ends_on=form.cleaned_data["alert_ends_on"],
                acting_user=request.user,
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                for message in errors:
                    form.add_error(field if field in form.fields else None, message)
        else:
            if form.cleaned_data["alert"]:
                messages.success(request, _("The notice is on the map now."))
            else:
                messages.success(request, _("The notice has been taken down."))
            return redirect("directory:listings")
    return render(request, "directory/manage/set_notice.html", {"service": service, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def own_change_request(request, change_uuid):
    """One of the organisation's change requests, field by field; withdraw it while pending."""
    change = access.get_own_change_request(request, change_uuid)
    if request.method == "POST":
        try:
            do_withdraw_change(change, acting_user=request.user)
        except IllegalTransition as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The change has been withdrawn."))
        return redirect("directory:own_change_request", change_uuid=change.uuid)
    return render(
        request,
        "directory/manage/change.html",
        {"change": change, "rows": change_rows(change), "language_label": language_label(change)},
    )
