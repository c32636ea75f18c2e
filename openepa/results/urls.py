from django.urls import path

from openepa.results import views

app_name = "results"
urlpatterns = [
    path("", views.result_list, name="list"),
    path("ofqual-returns/", views.ofqual_returns, name="ofqual_returns"),
    path("<int:result_id>/", views.result_detail, name="detail"),
    path("<int:result_id>/release/", views.release, name="release"),
    path("<int:result_id>/exceptional-circumstances/", views.override_window, name="override"),
    path("<int:result_id>/restart/", views.restart, name="restart"),
]
