"""Directory editors review the changes organisations propose, and read a listing's history.

An editor sees only the change requests of their networks' organisations (an administrator
all of them), through ``access.get_change_request_for_editor``; anything else is 404.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from waymark.directory import access
from waymark.directory.actions import IllegalTransition
from waymark.directory.actions.changes import TRANSLATABLE_MODELS, do_approve_change, do_reject_change
from waymark.directory.forms.listings import ApproveForm, RejectForm
from waymark.directory.listing_data import (
    LABELS,
    describe_opening_time,
    language_name,
    location_data,
    organization_data,
    service_data,
)
from waymark.directory.models import (
    TRANSLATION_LANGUAGES,
    ChangeRequest,
    Location,
    Organization,
    Service,
    TaxonomyTerm,
    Translation,
)
from waymark.places.models import Area

Target = ChangeRequest.TargetType
Kind = ChangeRequest.Kind

CHOICES = {
    "for": dict(Service.ImmigrationSituation.choices),
    "access": dict(Service.AccessMethod.choices),
    "gender": dict(Service.Gender.choices),
    "advice_regulator": dict(Service.Regulator.choices),
    "data_sharing_with_authorities": dict(Organization.DataSharing.choices),
    "status": dict(Service.Status.choices),
}


def _readable(key, value, names):
    """A value of the listing shape as people read it ("Yes", "Arabic, English", "Monday 10:00–13:00")."""
    if value in (None, "", []):
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if key == "opening_times":
        return "; ".join(describe_opening_time(entry) for entry in value)
    if key == "languages":
        return ", ".join(str(language_name(code)) for code in value)
    if key == "needs":
        return ", ".join(names["needs"].get(slug, slug) for slug in value)
    if key == "location":
        return names["locations"].get(value, _("a location that no longer exists"))
    if key == "area":
        return names["areas"].get(value, value)
    if key == "documents":
        return "; ".join(value)
    if key in CHOICES:
        labels = CHOICES[key]
        if isinstance(value, list):
            return ", ".join(str(labels.get(item, item)) for item in value)
        return str(labels.get(value, value))
    return str(value)


def _names(*values):
    """The names of the needs, locations and areas the given shapes mention, in three queries."""
    slugs, location_ids, area_slugs = set(), set(), set()
    for data in values:
        slugs.update(data.get("needs") or [])
        if data.get("location"):
            location_ids.add(data["location"])
        if data.get("area"):
            area_slugs.add(data["area"])
    return {
        "needs": dict(TaxonomyTerm.objects.filter(slug__in=slugs).values_list("slug", "name")) if slugs else {},
        "locations": {
            str(pk): name or _("Unnamed location")
            for pk, name in Location.objects.filter(id__in=location_ids).values_list("id", "name")
        }
        if location_ids
        else {},
        "areas": dict(Area.objects.filter(slug__in=area_slugs).values_list("slug", "name")) if area_slugs else {},
    }


def field_labels(change):
    """The readable names of the fields a change touches (for lists of changes)."""
    if change.target_type == Target.TRANSLATION:
        model = TRANSLATABLE_MODELS.get(change.proposed.get("object"))
        language = dict(TRANSLATION_LANGUAGES).get(change.proposed.get("language"), "")
        fields = [
            str(model._meta.get_field(field).verbose_name) if model else field
            for field in change.proposed.get("texts", {})
        ]
        return [f"{language}: {', '.join(fields)}"]
    if change.kind == Kind.REMOVE:
        return [_("Status")]
    return [str(LABELS.get(key, key)) for key in change.proposed]


def with_field_labels(changes):
    for change in changes:
        change.field_labels = field_labels(change)
    return changes


def language_label(change):
    return dict(TRANSLATION_LANGUAGES).get(change.proposed.get("language"), "")


def live_target(change):
    """The listing the change is about as it is now, or None (a new listing, or gone)."""
    if change.target_id is None:
        return None
    if change.target_type == Target.ORGANIZATION:
        return change.organization
    if change.target_type == Target.TRANSLATION:
        model = TRANSLATABLE_MODELS.get(change.proposed.get("object"))
        return model.objects.filter(id=change.target_id).first() if model else None
    model = {Target.SERVICE: Service, Target.LOCATION: Location}[change.target_type]
    return model.objects.filter(id=change.target_id).first()


def _live_values(change, target):
    if target is None:
        return {}
    if change.target_type == Target.ORGANIZATION:
        return organization_data(target)
    if change.target_type == Target.LOCATION:
        return location_data(target)
    if change.target_type == Target.TRANSLATION:
        return {
            translation.field_name: translation.text
            for translation in Translation.objects.filter(
                model_label=target._meta.label_lower, object_id=target.id, language=change.proposed["language"]
            )
        }
    data = service_data(target)
    data["status"] = target.status
    return data


def change_rows(change, *, check_live=False):
    """The change field by field: dicts of label, before, after and (with ``check_live``, for a
    pending change) whether the live value has changed since the request was made."""
    target = live_target(change) if check_live else None
    live = _live_values(change, target) if check_live else {}
    if change.target_type == Target.TRANSLATION:
        model = TRANSLATABLE_MODELS.get(change.proposed.get("object"))
        before = change.previous.get("texts", {})
        rows = []
        for field, text in change.proposed.get("texts", {}).items():
            label = model._meta.get_field(field).verbose_name.capitalize() if model else field
            rows.append(
                {
                    "label": label,
                    "english": getattr(target, field, "") if target is not None else "",
                    "before": before.get(field) or "—",
                    "after": text,
                    "changed_since": check_live and live.get(field, "") != before.get(field, ""),
                }
            )
        return rows
    names = _names(change.proposed, change.previous, live)
    rows = []
    for key, value in change.proposed.items():
        if change.kind == Kind.CREATE and value in (None, "", [], False):
            continue  # a new listing: only what it says
        label = _("Status") if key == "status" else LABELS.get(key, key)
        rows.append(
            {
                "label": label,
                "before": _readable(key, change.previous[key], names) if key in change.previous else "—",
                "after": _readable(key, value, names),
                "changed_since": check_live
                and target is not None
                and key in change.previous
                and live.get(key) != change.previous[key],
            }
        )
    return rows


@login_required
@require_http_methods(["GET", "POST"])
def review_change(request, change_uuid):
    """One change request shown field by field; approve it, or reject it with a reason."""
    change = access.get_change_request_for_editor(request, change_uuid)
    approve_form = ApproveForm(request.POST if request.POST.get("decision") == "approve" else None)
    reject_form = RejectForm(request.POST if request.POST.get("decision") == "reject" else None)
    if request.method == "POST":
        try:
            if request.POST.get("decision") == "approve" and approve_form.is_valid():
                do_approve_change(
                    change,
                    acting_user=request.user,
                    mark_translation_reviewed=approve_form.cleaned_data["mark_reviewed"],
                )
                messages.success(request, _("Approved: the change is on the map now, and the organisation is told."))
                return redirect("directory:review_change", change_uuid=change.uuid)
            if request.POST.get("decision") == "reject" and reject_form.is_valid():
                do_reject_change(change, reason=reject_form.cleaned_data["reason"], acting_user=request.user)
                messages.success(request, _("Rejected: the organisation is told why."))
                return redirect("directory:review_change", change_uuid=change.uuid)
        except IllegalTransition as error:
            messages.error(request, error.message)
            return redirect("directory:review_change", change_uuid=change.uuid)
        except ValidationError as error:
            messages.error(
                request,
                _("This change can no longer be applied: %(problem)s") % {"problem": " ".join(error.messages)},
            )
    pending = change.status == ChangeRequest.Status.PENDING
    rows = change_rows(change, check_live=pending)
    about_a_service = change.target_type == Target.SERVICE or change.proposed.get("object") == "directory.service"
    history_service_id = change.target_id if about_a_service else None
    return render(
        request,
        "directory/review/change.html",
        {
            "change": change,
            "rows": rows,
            "stale": any(row["changed_since"] for row in rows),
            "pending": pending,
            "approve_form": approve_form,
            "reject_form": reject_form,
            "is_translation": change.target_type == Target.TRANSLATION,
            "history_service_id": history_service_id,
            "language_label": language_label(change),
        },
    )


@login_required
def service_history(request, service_id):
    """Every change request of one service (and its translations): who, when, what, decision."""
    service = access.get_service_for_editor(request, service_id)
    changes = (
        ChangeRequest.objects.filter(organization_id=service.organization_id)
        .filter(Q(target_id=service.id, target_type__in=[Target.SERVICE, Target.TRANSLATION]))
        .select_related("submitted_by", "decided_by", "import_run")
        .order_by("-submitted_at")
    )
    return render(
        request,
        "directory/review/history.html",
        {"service": service, "changes": with_field_labels(list(changes))},
    )
