from django.urls import path

from openepa.quality import views

app_name = "quality"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("sample/<int:sample_id>/", views.review, name="review"),
]
