import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("bookings", "0006_merge_20261127_1656"),
    ]

    operations = [
        migrations.CreateModel(
            name="PreferredSlot",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "method",
                    models.CharField(
                        choices=[
                            ("showcase", "Apprentice showcase"),
                            ("observation", "Practical observation"),
                            ("discussion", "Professional discussion"),
                        ],
                        max_length=20,
                    ),
                ),
                ("day", models.DateField()),
                ("start", models.TimeField(blank=True, null=True)),
                (
                    "meeting",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="preferred_slots",
                        to="bookings.planningmeeting",
                    ),
                ),
            ],
            options={
                "ordering": ["day", "start", "id"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("meeting", "method"), name="one_preference_per_method"
                    )
                ],
            },
        ),
    ]
