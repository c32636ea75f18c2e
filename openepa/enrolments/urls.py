from django.urls import path

from openepa.enrolments import views

app_name = "enrolments"
urlpatterns = [
    path("", views.enrolment_list, name="list"),
    path("pipeline", views.pipeline, name="pipeline"),
    path("register", views.register, name="register"),
    path("<int:enrolment_id>/", views.detail, name="detail"),
    path("<int:enrolment_id>/withdraw", views.withdraw, name="withdraw"),
]
