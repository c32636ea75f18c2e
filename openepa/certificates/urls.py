from django.urls import path

from openepa.certificates import views

app_name = "certificates"
urlpatterns = [
    path("", views.export_list, name="list"),
    path("export/", views.export, name="export"),
    path("send/", views.send, name="send"),
    path("send-again/", views.send_again, name="send_again"),
    path("reconcile/", views.reconcile, name="reconcile"),
    path("reconcile/check/", views.check, name="check"),
    path("enrolments/<int:enrolment_id>/address/", views.postal_contact, name="postal_contact"),
    path("batches/<int:batch_id>.json", views.download_json, name="json"),
    path("batches/<int:batch_id>.csv", views.download_csv, name="csv"),
]
