from django.urls import path

from openepa.assessments import views

app_name = "assessments"
urlpatterns = [
    path("booking/<int:booking_id>/", views.sheet, name="sheet"),
    path("booking/<int:booking_id>/check", views.check, name="check"),
    path("attempt/<int:attempt_id>/preview", views.preview, name="preview"),
    path("attempt/<int:attempt_id>/amend", views.amend, name="amend"),
]
