from django.apps import AppConfig


class PlannerConfig(AppConfig):
    name = "openepa.planner"
    label = "planner"
    verbose_name = "Scheduling"
    default_auto_field = "django.db.models.BigAutoField"
