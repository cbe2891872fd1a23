"""The assessment pages: a new assessment of a person, their assessment history, and one
assessment (with what its answers set off, and changing its risk level).

Every view fetches through ``casework.access`` / ``people.access`` first (404 for anyone who may
not; the opening is logged), then calls an action in ``casework.assessments`` for any change.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from waymark.casework import access
from waymark.casework.assessment_forms import AssessmentForm, RiskLevelForm
from waymark.casework.assessments import (
    ONS4_FIELDS,
    do_change_risk_level,
    do_record_assessment,
    history,
    need_names,
    prompts_for,
)
from waymark.casework.models import Assessment, Loneliness, RiskLevel, Urgency, VulnerabilityIndicator
from waymark.people.access import get_person_for_user


def _add_errors(form, error):
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _score_labels():
    """The ONS questions, loneliness first, by field name."""
    return {name: Assessment._meta.get_field(name).verbose_name for name in ("loneliness", *ONS4_FIELDS)}


def _answer(name, value):
    """An answer to an ONS question as shown: the loneliness answer's label, a score as it is."""
    if name == "loneliness":
        return LONELINESS_LABELS.get(value)
    return value


URGENCY_LABELS = dict(Urgency.choices)
RISK_LABELS = dict(RiskLevel.choices)
INDICATOR_LABELS = dict(VulnerabilityIndicator.choices)
LONELINESS_LABELS = dict(Loneliness.choices)


def _needs(assessment, names):
    """[(need name, urgency label)] of an assessment (its ``needs`` prefetched)."""
    return [
        (names.get(need.need, need.need), URGENCY_LABELS.get(need.urgency, need.urgency))
        for need in assessment.needs.all()
    ]


def _entry(assessment, change, names, labels):
    """One assessment of the history, ready to show."""
    entry = {
        "assessment": assessment,
        "risk_level": RISK_LABELS[assessment.risk_level],
        "needs": _needs(assessment, names),
        "scores": [(label, _answer(name, getattr(assessment, name))) for name, label in labels.items()],
        "changed": bool(change),
    }
    if change:
        entry.update(
            risk_before=RISK_LABELS.get(change.risk_before, ""),
            needs_added=[names.get(need, need) for need in change.needs_added],
            needs_removed=[names.get(need, need) for need in change.needs_removed],
            urgency_changed=[
                (names.get(need, need), URGENCY_LABELS[before], URGENCY_LABELS[after])
                for need, before, after in change.urgency_changed
            ],
            score_changes=[
                (labels[name], _answer(name, before), _answer(name, after)) for name, before, after in change.scores
            ],
        )
    return entry


@login_required
def new_assessment(request, person_uuid):
    """Assess a person's needs and vulnerability (a reassessment is a new one)."""
    person = get_person_for_user(request, None, person_uuid, roles=access.ASSESSMENT_ROLES, what="assessment_new")
    form = AssessmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            assessment = do_record_assessment(person, acting_user=request.user, **form.answers())
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The assessment is recorded."))
            return redirect("casework:assessment", assessment_uuid=assessment.uuid)
    return render(
        request,
        "casework/assessment_form.html",
        {"person": person, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
def person_assessments(request, person_uuid):
    """A person's assessments, latest first, each with how it changed from the one before."""
    person = get_person_for_user(request, None, person_uuid, roles=access.ASSESSMENT_ROLES, what="assessments")
    assessments = (
        access.assessments_for_membership(request.membership)
        .filter(person=person)
        .select_related("assessed_by")
        .prefetch_related("needs")
    )
    names, labels = need_names(), _score_labels()
    entries = [_entry(assessment, change, names, labels) for assessment, change in history(assessments)]
    return render(request, "casework/assessment_history.html", {"person": person, "entries": entries})


@login_required
def assessment_detail(request, assessment_uuid):
    """One assessment: the answers, the risk level (and changing it with a reason), and what
    the answers set off."""
    assessment = access.get_assessment_for_user(request, assessment_uuid)
    form = RiskLevelForm(request.POST or None, initial={"level": assessment.risk_level})
    if request.method == "POST" and form.is_valid():
        try:
            do_change_risk_level(assessment, acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The risk level is changed."))
            return redirect("casework:assessment", assessment_uuid=assessment.uuid)
    prompts = prompts_for(assessment)
    labels = _score_labels()
    # A concern is seen by the leads and whoever raised it: link to it only for them.
    visible = set(
        access.concerns_for_membership(request.membership)
        .filter(pk__in=[concern.pk for concern in prompts.concerns])
        .values_list("pk", flat=True)
    )
    return render(
        request,
        "casework/assessment.html",
        {
            "assessment": assessment,
            "person": assessment.person,
            "risk_level": RISK_LABELS[assessment.risk_level],
            "needs": _needs(assessment, need_names()),
            "indicators": [INDICATOR_LABELS.get(value, value) for value in assessment.indicators],
            "scores": [(labels[name], getattr(assessment, name)) for name in ONS4_FIELDS],
            "prompts": prompts,
            "visible_concerns": visible,
            "form": form,
        },
        status=400 if form.errors else 200,
    )
