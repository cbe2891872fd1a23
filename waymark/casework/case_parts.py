"""The parts of a case page beyond notes and actions: the support plan, outcomes per need,
immigration matters and attachments. ``context_for_case`` gives the case page what their
partial templates (``casework/_case_*.html``) need, in a fixed number of queries whatever the
number of goals, steps, outcomes, matters or attachments."""

from django.db.models import Prefetch

from waymark.casework.models import CaseAction, PlanGoal
from waymark.casework.part_forms import OUTCOME_PREFIX, NeedOutcomeForm, need_names
from waymark.casework.parts import latest_need_outcomes, may_give_advice


def context_for_case(case, membership):
    """The plan (goals with their steps), the latest outcome per need, the immigration matters
    (each saying whether ``membership`` may record advice given on it) and the attachments
    (without their bytes). The caller has fetched ``case`` through ``casework.access``."""
    names = need_names()
    steps = CaseAction.objects.select_related("owner").order_by("done_at", "due_on", "id")
    goals = list(case.goals.prefetch_related(Prefetch("steps", queryset=steps)))
    for goal in goals:
        goal.need_name = names.get(goal.need, goal.need)
    need_outcomes = latest_need_outcomes(case)
    for record in need_outcomes:
        record.need_name = names.get(record.need, record.need)
    matters = list(case.immigration_matters.select_related("outcome_recorded_by", "level_changed_by"))
    for matter in matters:
        matter.member_may_advise = may_give_advice(membership, matter.required_level)
    attachments = list(case.attachments.defer("data").select_related("uploaded_by"))
    return {
        "plan_goals": goals,
        "goal_status_choices": PlanGoal.Status.choices,
        "need_outcomes": need_outcomes,
        # Unbound: the case page records an outcome with it (posted to the outcomes page).
        "need_outcome_form": NeedOutcomeForm(prefix=OUTCOME_PREFIX),
        "immigration_matters": matters,
        "case_attachments": attachments,
    }
