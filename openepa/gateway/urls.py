from django.urls import path

from openepa.gateway import views

app_name = "gateway"
urlpatterns = [
    path("enrolments/<int:enrolment_id>/", views.review, name="review"),
    path("enrolments/<int:enrolment_id>/submit/", views.submit, name="submit"),
    path("enrolments/<int:enrolment_id>/accept/", views.accept, name="accept"),
    path("enrolments/<int:enrolment_id>/reject/", views.reject, name="reject"),
]
