from django.urls import path

from openepa.notifications import download_views, notice_views, views

app_name = "notifications"
urlpatterns = [
    path("", notice_views.notices, name="notices"),
    path("read-all/", notice_views.mark_all_read, name="read_all"),
    path("<int:notice_id>/", notice_views.open_notice, name="open"),
    path("<int:notice_id>/read/", notice_views.mark_read, name="read"),
    path("downloads/", download_views.downloads, name="downloads"),
    path("downloads/prepare/", download_views.prepare, name="prepare_download"),
    path("downloads/<int:download_id>/", download_views.download, name="download"),
    path("downloads/<int:download_id>/file", download_views.download_file, name="download_file"),
    path("outbox/", views.outbox, name="outbox"),
    path("outbox/<int:message_id>/", views.message_detail, name="message"),
    path("outbox/<int:message_id>/retry/", views.retry, name="retry"),
]
