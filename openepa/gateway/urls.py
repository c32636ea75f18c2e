from django.urls import path

from openepa.gateway import views

app_name = "gateway"
urlpatterns = [
    path("enrolments/<int:enrolment_id>/", views.review, name="review"),
    # The task list the provider and employer prepare (its old name kept: links use it).
    path("enrolments/<int:enrolment_id>/submit/", views.tasks, name="submit"),
    path("enrolments/<int:enrolment_id>/tasks/<slug:task>/", views.task, name="task"),
    path("enrolments/<int:enrolment_id>/check/", views.check, name="check"),
    path(
        "enrolments/<int:enrolment_id>/requirements/<slug:task>/review/",
        views.review_requirement,
        name="review_requirement",
    ),
    path("enrolments/<int:enrolment_id>/accept/", views.accept, name="accept"),
    path("enrolments/<int:enrolment_id>/reject/", views.reject, name="reject"),
    path("documents/<int:document_id>/download", views.download, name="document"),
    path("documents/<int:document_id>/withdraw", views.withdraw, name="withdraw_document"),
]
