from django.urls import path

from openepa.notifications import notice_views, views

app_name = "notifications"
urlpatterns = [
    path("", notice_views.notices, name="notices"),
    path("read-all/", notice_views.mark_all_read, name="read_all"),
    path("<int:notice_id>/", notice_views.open_notice, name="open"),
    path("<int:notice_id>/read/", notice_views.mark_read, name="read"),
    path("outbox/", views.outbox, name="outbox"),
    path("outbox/<int:message_id>/", views.message_detail, name="message"),
    path("outbox/<int:message_id>/retry/", views.retry, name="retry"),
]
