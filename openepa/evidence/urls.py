from django.urls import path

from openepa.evidence import views

app_name = "evidence"

urlpatterns = [
    path("enrolments/<int:enrolment_id>/", views.portfolio, name="list"),
    path("<int:evidence_id>/download", views.download, name="download"),
    path("<int:evidence_id>/remove", views.remove, name="remove"),
    path("<int:evidence_id>/criteria", views.tag, name="tag"),
]
