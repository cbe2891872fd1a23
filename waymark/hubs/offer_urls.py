"""The pages of the learning log, visitor feedback and the core minimum offer, added to the
hubs URLs (``hubs/urls.py``), so every name is ``hubs:<name>``."""

from django.urls import path

from waymark.hubs import core_offer_views, feedback_views, learning_views

urlpatterns = [
    # Public: no sign-in.
    path("hubs/<uuid:hub_uuid>/feedback/", feedback_views.give_feedback, name="give_feedback"),
    path("hubs/<uuid:hub_uuid>/feedback/thanks/", feedback_views.feedback_thanks, name="feedback_thanks"),
    # The hub's team (and, to read, the network lead).
    path("organisation/hubs/<uuid:hub_uuid>/learning/", learning_views.hub_learning, name="hub_learning"),
    path(
        "organisation/sessions/<uuid:session_uuid>/learning/",
        learning_views.session_learning,
        name="session_learning",
    ),
    path(
        "organisation/sessions/<uuid:session_uuid>/learning/actions/",
        learning_views.add_learning_action,
        name="add_learning_action",
    ),
    path(
        "organisation/learning-actions/<uuid:action_uuid>/done/",
        learning_views.mark_learning_action_done,
        name="mark_learning_action_done",
    ),
    path("organisation/hubs/<uuid:hub_uuid>/feedback/", feedback_views.hub_feedback, name="hub_feedback"),
    path("organisation/hubs/<uuid:hub_uuid>/feedback/poster/", feedback_views.feedback_poster, name="feedback_poster"),
    path("organisation/hubs/<uuid:hub_uuid>/core-offer/", core_offer_views.hub_core_offer, name="hub_core_offer"),
    # The network lead.
    path("network/", core_offer_views.my_networks, name="my_networks"),
    path("network/<uuid:network_uuid>/hubs/", core_offer_views.network_hubs, name="network_hubs"),
]
