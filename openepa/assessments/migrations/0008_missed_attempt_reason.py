"""A marking sheet recorded as a failed attempt because the assessment was missed and the
EPAO's admin decided it counts (issue 16, item 4) keeps why it did not go ahead."""

from __future__ import annotations

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("assessments", "0007_attempt_method_grade")]

    operations = [
        migrations.AddField(
            model_name="attempt",
            name="missed_reason",
            field=models.TextField(blank=True, default=""),
        ),
    ]
