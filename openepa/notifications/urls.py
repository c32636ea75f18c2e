from django.urls import path

from openepa.notifications import views

app_name = "notifications"
urlpatterns = [
    path("outbox/", views.outbox, name="outbox"),
    path("outbox/<int:message_id>/", views.message_detail, name="message"),
    path("outbox/<int:message_id>/retry/", views.retry, name="retry"),
]
