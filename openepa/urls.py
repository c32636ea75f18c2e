from django.urls import include, path

urlpatterns = [
    path("", include("openepa.web.urls")),
]
