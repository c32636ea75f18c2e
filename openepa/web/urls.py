from django.urls import path

from openepa.core.exports import export_paths
from openepa.web import views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("search/", views.search_page, name="search"),
    path("audit/", views.audit_log, name="audit"),
    *export_paths("audit/log", views.audit_export, "audit_export"),
]
