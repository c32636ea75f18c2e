from django.urls import path

from openepa.bulk import views

app_name = "bulk"
urlpatterns = [
    path("", views.index, name="index"),
    path("certificates/", views.certificates, name="certificates"),
    path("gateway/", views.gateway, name="gateway"),
    path("<slug:slug>/confirm/", views.confirm, name="confirm"),
    path("<slug:slug>/start/", views.start, name="start"),
    path("runs/<int:run_id>/", views.run_report, name="run"),
    path("runs/<int:run_id>.csv", views.run_csv, name="csv"),
]
