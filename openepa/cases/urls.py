from django.urls import path

from openepa.cases import views
from openepa.core.exports import export_paths

app_name = "cases"
urlpatterns = [
    path("", views.queue, name="queue"),
    *export_paths("open-cases", views.cases_export, "export"),
    path("enrolment/<int:enrolment_id>/", views.enrolment_cases, name="enrolment"),
    path(
        "enrolment/<int:enrolment_id>/adjustments/new",
        views.request_adjustment,
        name="request_adjustment",
    ),
    path(
        "enrolment/<int:enrolment_id>/special-considerations/new",
        views.request_consideration,
        name="request_consideration",
    ),
    path("enrolment/<int:enrolment_id>/new", views.raise_case, name="raise"),
    path("adjustments/<int:adjustment_id>/", views.adjustment_detail, name="adjustment"),
    path(
        "adjustments/<int:adjustment_id>/decide",
        views.decide_adjustment,
        name="decide_adjustment",
    ),
    path(
        "special-considerations/<int:consideration_id>/",
        views.consideration_detail,
        name="consideration",
    ),
    path(
        "special-considerations/<int:consideration_id>/decide",
        views.decide_consideration,
        name="decide_consideration",
    ),
    path("<int:case_id>/", views.case_detail, name="case"),
    path("<int:case_id>/review", views.review, name="review"),
    path("<int:case_id>/decide", views.decide, name="decide"),
    path("<int:case_id>/close", views.close, name="close"),
    path("<int:case_id>/amend/<int:attempt_id>", views.amend, name="amend"),
]
