from django.urls import include, path

urlpatterns = [
    path("", include("openepa.web.urls")),
    path("accounts/", include("openepa.accounts.urls")),
    path("enrolments/", include("openepa.enrolments.urls")),
    path("gateway/", include("openepa.gateway.urls")),
    path("bookings/", include("openepa.bookings.urls")),
    path("marking/", include("openepa.assessments.urls")),
    path("results/", include("openepa.results.urls")),
    path("cases/", include("openepa.cases.urls")),
]
