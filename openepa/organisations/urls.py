from django.urls import path

from openepa.organisations import views

app_name = "organisations"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("<int:organisation_id>/", views.details, name="details"),
]
