from django.urls import path

from openepa.assessors import views

app_name = "assessors"
urlpatterns = [
    path("", views.assessor_list, name="list"),
    path("new/", views.new_profile, name="new"),
    path("me/", views.my_profile, name="me"),
    path("me/diary/", views.my_diary, name="my_diary"),
    path("<int:profile_id>/", views.profile, name="profile"),
    path("<int:profile_id>/edit/", views.edit_profile, name="edit"),
    path("<int:profile_id>/diary/", views.diary, name="diary"),
    path("<int:profile_id>/availability/", views.availability, name="availability"),
    path(
        "availability/<int:availability_id>/remove/",
        views.remove_availability,
        name="remove_availability",
    ),
    path("standardisation/", views.events, name="events"),
    path("standardisation/new/", views.new_event, name="new_event"),
    path("standardisation/<int:event_id>/", views.event, name="event"),
]
