"""The assessors' consistency report keeps its address beside the assessors' pages
(/assessors/consistency/) though the quality context serves it: it reads marking sheets and
IQA reviews, which the assessors context comes before."""

from django.urls import path

from openepa.quality import views

app_name = "consistency"
urlpatterns = [
    path("consistency/", views.consistency, name="report"),
    path("consistency.csv", views.consistency_csv, name="csv"),
]
