"""The parts of a case page beyond notes and actions: the support plan, outcomes per need,
immigration matters and attachments. ``context_for_case`` gives the case page what their
partial templates (``casework/_case_*.html``) need."""


def context_for_case(case, membership):
    return {}
