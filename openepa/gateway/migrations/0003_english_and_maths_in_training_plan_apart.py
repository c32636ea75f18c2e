"""English and maths in the training plan are two answers ("English and/or maths"): the
former single answer becomes English, and maths starts with the same value so that no
recorded decision changes its meaning."""

from django.apps.registry import Apps
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.models import F


def copy_to_maths(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    model = apps.get_model("gateway", "gatewaysubmission")
    model.objects.update(maths_in_training_plan=F("english_in_training_plan"))


class Migration(migrations.Migration):
    dependencies = [("gateway", "0002_training_plan_and_recorded_eligibility")]

    operations = [
        migrations.RenameField(
            model_name="gatewaysubmission",
            old_name="english_maths_in_training_plan",
            new_name="english_in_training_plan",
        ),
        migrations.AddField(
            model_name="gatewaysubmission",
            name="maths_in_training_plan",
            field=models.BooleanField(default=False),
        ),
        migrations.RunPython(copy_to_maths, migrations.RunPython.noop),
    ]
