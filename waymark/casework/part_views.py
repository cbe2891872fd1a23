"""The pages of a case's parts: its support plan, outcomes per need, immigration matters and
attachments. The case page shows each part (``case_parts.context_for_case`` and the
``_case_*.html`` partials); these pages hold their forms.

Every view fetches the case through ``casework.access`` first (404 for anyone who may not, and
the opening logged), then calls an action in ``casework.parts`` for any change. An attachment is
downloaded only through ``access.get_attachment_for_user``.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_POST

from waymark.casework import access, parts
from waymark.casework.case_parts import context_for_case
from waymark.casework.part_forms import (
    OUTCOME_PREFIX,
    AttachmentForm,
    GoalForm,
    GoalStatusForm,
    MatterForm,
    MatterLevelForm,
    MatterOutcomeForm,
    NeedOutcomeForm,
    StepForm,
    need_names,
)


def _add_errors(form, error):
    """Put an action's ValidationError on the form's fields (or the form) it names."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def case_page_url(case):
    """The case page's address, once the case pages are wired in; else None."""
    try:
        return reverse("casework:case", kwargs={"case_uuid": case.uuid})
    except NoReverseMatch:
        return None


def _back(request, default):
    """Where to go after a change: the page the form was on (``next``, this site only), else ``default``."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return redirect(target)
    return redirect(default)


def _render(request, template, case, context, form=None):
    return render(
        request,
        template,
        {
            "case": case,
            "case_url": case_page_url(case),
            **context_for_case(case, request.membership),
            **context,
        },
        status=400 if form is not None and form.errors else 200,
    )


# The support plan


@login_required
def plan(request, case_uuid):
    """The case's support plan, and a form to add a goal to it."""
    case = access.get_case_for_user(request, case_uuid, what="support_plan")
    form = GoalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            parts.do_add_goal(case, acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The goal is added to the plan."))
            return redirect("casework:plan", case_uuid=case.uuid)
    return _render(request, "casework/part_plan.html", case, {"form": form}, form)


@login_required
def goal_edit(request, case_uuid, goal_uuid):
    case = access.get_case_for_user(request, case_uuid, what="support_plan")
    goal = get_object_or_404(case.goals, uuid=goal_uuid)
    initial = {"need": goal.need, "description": goal.description, "status": goal.status}
    form = GoalForm(request.POST or None, initial=initial, with_status=True)
    if request.method == "POST" and form.is_valid():
        try:
            changed = parts.do_update_goal(goal, acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            if changed:
                messages.success(request, _("The goal is saved."))
            return redirect("casework:plan", case_uuid=case.uuid)
    return _render(request, "casework/part_goal.html", case, {"form": form, "goal": goal}, form)


@login_required
@require_POST
def goal_status(request, case_uuid, goal_uuid):
    """Mark a goal achieved, dropped or worked on again (the buttons on the plan)."""
    case = access.get_case_for_user(request, case_uuid, what="support_plan")
    goal = get_object_or_404(case.goals, uuid=goal_uuid)
    form = GoalStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a status from the list."))
    else:
        try:
            parts.do_set_goal_status(goal, acting_user=request.user, status=form.cleaned_data["status"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The goal is now: %(status)s.") % {"status": goal.get_status_display()})
    return _back(request, reverse("casework:plan", kwargs={"case_uuid": case.uuid}))


@login_required
@require_POST
def goal_move(request, case_uuid, goal_uuid):
    """Move a goal up or down the plan (the buttons on the plan)."""
    case = access.get_case_for_user(request, case_uuid, what="support_plan")
    goal = get_object_or_404(case.goals, uuid=goal_uuid)
    try:
        parts.do_move_goal(goal, acting_user=request.user, direction=request.POST.get("direction", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return _back(request, reverse("casework:plan", kwargs={"case_uuid": case.uuid}))


@login_required
def step_add(request, case_uuid, goal_uuid):
    """Add a step to a goal: something to do, by whom, by when."""
    case = access.get_case_for_user(request, case_uuid, what="support_plan")
    goal = get_object_or_404(case.goals, uuid=goal_uuid)
    form = StepForm(
        request.POST or None, workers=parts.case_workers(case.organisation), initial={"owner": case.owner_id}
    )
    if request.method == "POST" and form.is_valid():
        try:
            parts.do_add_step(
                goal,
                acting_user=request.user,
                description=form.cleaned_data["description"],
                owner=form.chosen_owner(),
                due_on=form.cleaned_data["due_on"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The step is added to the goal."))
            return redirect("casework:plan", case_uuid=case.uuid)
    return _render(request, "casework/part_step.html", case, {"form": form, "goal": goal}, form)


# Outcomes per need


@login_required
def outcomes(request, case_uuid):
    """The latest outcome of each need, every outcome recorded, and a form to record one."""
    case = access.get_case_for_user(request, case_uuid, what="need_outcomes")
    form = NeedOutcomeForm(request.POST or None, prefix=OUTCOME_PREFIX, initial={"need": request.GET.get("need", "")})
    if request.method == "POST" and form.is_valid():
        try:
            parts.do_record_need_outcome(case, acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The outcome is recorded."))
            return _back(request, reverse("casework:outcomes", kwargs={"case_uuid": case.uuid}))
    history = list(case.need_outcomes.select_related("recorded_by").order_by("-recorded_at", "-id"))
    names = need_names()
    for record in history:
        record.need_name = names.get(record.need, record.need)
    return _render(request, "casework/part_outcomes.html", case, {"form": form, "outcome_history": history}, form)


# Immigration matters


@login_required
def matters(request, case_uuid):
    """The case's immigration matters, and a form to add one."""
    case = access.get_case_for_user(request, case_uuid, what="immigration_matters")
    form = MatterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            matter = parts.do_add_matter(case, acting_user=request.user, kind=form.cleaned_data["kind"])
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                _("The matter is added. It needs an adviser at OISC level %(level)d or above.")
                % {"level": matter.required_level},
            )
            return redirect("casework:matters", case_uuid=case.uuid)
    return _render(request, "casework/part_matters.html", case, {"form": form}, form)


@login_required
def matter_level(request, case_uuid, matter_uuid):
    """Change the OISC level a matter needs, with the reason."""
    case = access.get_case_for_user(request, case_uuid, what="immigration_matters")
    matter = get_object_or_404(case.immigration_matters, uuid=matter_uuid)
    form = MatterLevelForm(request.POST or None, initial={"level": matter.required_level})
    if request.method == "POST" and form.is_valid():
        try:
            parts.do_change_matter_level(matter, acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The level the matter needs is changed."))
            return redirect("casework:matters", case_uuid=case.uuid)
    return _render(request, "casework/part_matter_level.html", case, {"form": form, "matter": matter}, form)


@login_required
def matter_outcome(request, case_uuid, matter_uuid):
    """Record a matter's outcome: the form offers only what the member may record."""
    case = access.get_case_for_user(request, case_uuid, what="immigration_matters")
    matter = get_object_or_404(case.immigration_matters, uuid=matter_uuid)
    allowed = parts.outcomes_allowed(request.membership, matter)
    form = MatterOutcomeForm(request.POST or None, allowed=allowed, initial={"outcome": matter.outcome})
    if request.method == "POST" and form.is_valid():
        try:
            parts.do_record_matter_outcome(matter, acting_user=request.user, outcome=form.cleaned_data["outcome"])
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The outcome is recorded."))
            return redirect("casework:matters", case_uuid=case.uuid)
    may_advise = len(allowed) > 1
    return _render(
        request,
        "casework/part_matter_outcome.html",
        case,
        {"form": form, "matter": matter, "may_advise": may_advise},
        form,
    )


# Attachments


class AttachmentSizeLimit(FileUploadHandler):
    """Stops reading an uploaded file once it passes the attachment size limit, so that a huge
    upload is neither held in memory nor written to a temporary file; the view then says it is
    too big."""

    def __init__(self, limit, request=None):
        super().__init__(request)
        self.limit = limit
        self.received = 0
        self.too_big = False

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            self.too_big = True
            raise SkipFile
        return raw_data

    def file_complete(self, file_size):
        return None


@login_required
@csrf_exempt
def attachments(request, case_uuid):
    """The case's attachments, and a form to upload one."""
    # The limit must be in place before anything reads the body, which the CSRF check does:
    # so the check is made inside, by _attachments (as Django's documentation shows).
    size_limit = AttachmentSizeLimit(settings.CASEWORK_ATTACHMENT_MAX_BYTES, request)
    request.upload_handlers.insert(0, size_limit)
    return _attachments(request, case_uuid, size_limit)


@csrf_protect
def _attachments(request, case_uuid, size_limit):
    case = access.get_case_for_user(request, case_uuid, what="attachments")
    form = AttachmentForm(request.POST or None, request.FILES or None)
    valid = request.method == "POST" and form.is_valid()
    if size_limit.too_big:
        # The skipped file reads as "no file": say what really happened instead.
        form.errors["file"] = form.error_class([parts.too_big_message()])
    elif valid:
        try:
            parts.do_add_attachment(
                case,
                acting_user=request.user,
                uploaded_file=form.cleaned_data["file"],
                title=form.cleaned_data["title"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The file is attached to the case."))
            return redirect("casework:attachments", case_uuid=case.uuid)
    context = {"form": form, "max_bytes": settings.CASEWORK_ATTACHMENT_MAX_BYTES}
    return _render(request, "casework/part_attachments.html", case, context, form)


@login_required
@require_GET
@never_cache
def attachment_download(request, case_uuid, attachment_uuid):
    """The file itself, decrypted, as a download: never shown inline, never cached."""
    attachment = access.get_attachment_for_user(request, attachment_uuid)
    if attachment.case.uuid != case_uuid:
        raise Http404
    response = HttpResponse(parts.attachment_content(attachment), content_type=attachment.content_type)
    response["Content-Disposition"] = content_disposition_header(True, attachment.filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store, max-age=0"
    return response


@login_required
def attachment_delete(request, case_uuid, attachment_uuid):
    """Ask, then delete an attachment and its stored bytes."""
    case = access.get_case_for_user(request, case_uuid, what="attachments")
    attachment = get_object_or_404(case.attachments.defer("data"), uuid=attachment_uuid)
    if request.method == "POST":
        parts.do_delete_attachment(attachment, acting_user=request.user)
        messages.success(request, _("The file is deleted."))
        return redirect("casework:attachments", case_uuid=case.uuid)
    return _render(request, "casework/part_attachment_delete.html", case, {"attachment": attachment})
