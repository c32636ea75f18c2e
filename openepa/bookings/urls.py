from django.urls import path

from openepa.bookings import calendar_views, views
from openepa.core.exports import export_paths

app_name = "bookings"
urlpatterns = [
    path("mine/", views.mine, name="mine"),
    path("calendar/", calendar_views.calendar, name="calendar"),
    *export_paths("calendar/bookings", calendar_views.calendar_export, "calendar_export"),
    path("calendar/feeds/", calendar_views.feeds, name="feeds"),
    path("calendar/feeds/<str:token>.ics", calendar_views.feed, name="feed"),
    path("<int:booking_id>/missed/", calendar_views.missed, name="missed"),
    path("<int:booking_id>/missed/decide/", calendar_views.decide_missed, name="decide_missed"),
    *export_paths("mine/bookings", views.mine_export, "mine_export"),
    path("conflicts/", views.conflicts, name="conflicts"),
    path(
        "conflicts/<int:declaration_id>/withdraw/",
        views.withdraw_conflict,
        name="withdraw_conflict",
    ),
    path("enrolments/<int:enrolment_id>/", views.enrolment_bookings, name="enrolment"),
    path("enrolments/<int:enrolment_id>/planning/", views.planning, name="planning"),
    path("enrolments/<int:enrolment_id>/book/", views.book, name="book"),
    path("<int:booking_id>/", views.detail, name="detail"),
    path("<int:booking_id>/reschedule/", views.reschedule, name="reschedule"),
    path("<int:booking_id>/cancel/", views.cancel, name="cancel"),
    path("<int:booking_id>/confirm/", views.confirm, name="confirm"),
    path("<int:booking_id>/decline/", views.decline, name="decline"),
    path("reallocate/", views.reallocate, name="reallocate"),
]
