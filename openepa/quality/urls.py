from django.urls import path

from openepa.core.exports import export_paths
from openepa.quality import views

app_name = "quality"
urlpatterns = [
    path("", views.queue, name="queue"),
    *export_paths("queue", views.queue_export, "queue_export"),
    path("sample/<int:sample_id>/", views.review, name="review"),
]
