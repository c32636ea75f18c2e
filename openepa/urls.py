from django.urls import include, path

urlpatterns = [
    path("", include("openepa.web.urls")),
    path("accounts/", include("openepa.accounts.urls")),
    path("enrolments/", include("openepa.enrolments.urls")),
    path("gateway/", include("openepa.gateway.urls")),
    path("bookings/", include("openepa.bookings.urls")),
    path("scheduling/", include("openepa.planner.urls")),
    path("marking/", include("openepa.assessments.urls")),
    path("results/", include("openepa.results.urls")),
    path("evidence/", include("openepa.evidence.urls")),
    path("certificates/", include("openepa.certificates.urls")),
    path("notifications/", include("openepa.notifications.urls")),
    path("documents/", include("openepa.documents.urls")),
    path("iqa/", include("openepa.quality.urls")),
    # Served by quality (it reads marking and IQA reviews), listed with the assessors' pages.
    path("assessors/", include("openepa.quality.consistency_urls")),
    path("assessors/", include("openepa.assessors.urls")),
    path("cases/", include("openepa.cases.urls")),
    path("bulk/", include("openepa.bulk.urls")),
    # Served by accounts (who keeps an organisation's details is a matter of roles).
    path("organisations/", include("openepa.accounts.organisation_urls")),
]
