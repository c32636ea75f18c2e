from django.urls import path

from openepa.planner import views

app_name = "planner"
urlpatterns = [
    path("", views.index, name="index"),
    path("replan/", views.replan, name="replan"),
    path("outlook/", views.capacity, name="outlook"),
    path("<int:proposal_id>/", views.proposal, name="proposal"),
    path("<int:proposal_id>/apply/", views.apply, name="apply"),
    path("<int:proposal_id>/lines/<int:line_id>/", views.line, name="line"),
    path("<int:proposal_id>/lines/<int:line_id>/drop/", views.drop, name="drop"),
]
