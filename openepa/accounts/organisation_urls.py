"""The organisations' details pages, under /organisations/ (openepa.accounts.organisation_views)."""

from django.urls import path

from openepa.accounts import organisation_views as views

app_name = "organisations"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("<int:organisation_id>/", views.details, name="details"),
]
