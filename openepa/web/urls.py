from django.urls import path

from openepa.web import views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("search/", views.search_page, name="search"),
]
