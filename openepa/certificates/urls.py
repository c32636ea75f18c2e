from django.urls import path

from openepa.certificates import views

app_name = "certificates"
urlpatterns = [
    path("", views.export_list, name="list"),
    path("export/", views.export, name="export"),
    path("batches/<int:batch_id>.json", views.download_json, name="json"),
    path("batches/<int:batch_id>.csv", views.download_csv, name="csv"),
]
