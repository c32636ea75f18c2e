from django.urls import path

from openepa.documents import views

app_name = "documents"
urlpatterns = [
    path("results/<int:result_id>/statement-of-results.pdf", views.statement, name="statement"),
    path("results/<int:result_id>/record-of-achievement.pdf", views.record, name="record"),
    path("results/<int:result_id>/fail-letter.pdf", views.fail_letter, name="fail_letter"),
    path("results/<int:result_id>/feedback-report.pdf", views.feedback, name="feedback"),
    # The accessible HTML version of each, beside its PDF, for the same people.
    path(
        "results/<int:result_id>/statement-of-results.html",
        views.statement_html,
        name="statement_html",
    ),
    path(
        "results/<int:result_id>/record-of-achievement.html",
        views.record_html,
        name="record_html",
    ),
    path(
        "results/<int:result_id>/fail-letter.html", views.fail_letter_html, name="fail_letter_html"
    ),
    path("results/<int:result_id>/feedback-report.html", views.feedback_html, name="feedback_html"),
]
