from django.urls import path

from openepa.documents import views

app_name = "documents"
urlpatterns = [
    path("results/<int:result_id>/statement-of-results.pdf", views.statement, name="statement"),
    path("results/<int:result_id>/record-of-achievement.pdf", views.record, name="record"),
    path("results/<int:result_id>/fail-letter.pdf", views.fail_letter, name="fail_letter"),
    path("results/<int:result_id>/feedback-report.pdf", views.feedback, name="feedback"),
]
