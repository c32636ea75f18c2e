from django.urls import path

from openepa.core.exports import export_paths
from openepa.enrolments import views

app_name = "enrolments"
urlpatterns = [
    path("", views.enrolment_list, name="list"),
    path("pipeline", views.pipeline, name="pipeline"),
    *export_paths("pipeline", views.pipeline_export, "pipeline_export"),
    path("register", views.register, name="register"),
    path("bulk", views.bulk_upload, name="bulk_upload"),
    path("bulk/template.csv", views.bulk_template, name="bulk_template"),
    path("bulk/<int:upload_id>/", views.bulk_report, name="bulk_report"),
    path("bulk/<int:upload_id>/errors.csv", views.bulk_errors, name="bulk_errors"),
    path("<int:enrolment_id>/", views.detail, name="detail"),
    path("<int:enrolment_id>/withdraw", views.withdraw, name="withdraw"),
    path(
        "<int:enrolment_id>/employer-decisions",
        views.employer_decisions,
        name="employer_decisions",
    ),
]
