from django.urls import path

from openepa.core.exports import export_paths
from openepa.results import views

app_name = "results"
urlpatterns = [
    path("", views.result_list, name="list"),
    *export_paths("awaiting-release", views.result_export, "export"),
    path("ofqual-returns/", views.ofqual_returns, name="ofqual_returns"),
    path("<int:result_id>/", views.result_detail, name="detail"),
    path("<int:result_id>/release/", views.release, name="release"),
    path("<int:result_id>/exceptional-circumstances/", views.override_window, name="override"),
    path("<int:result_id>/restart/", views.restart, name="restart"),
]
