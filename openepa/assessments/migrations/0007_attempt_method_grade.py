"""Keep each marking sheet's own method grade on the sheet (stored on submission and on
every amendment from now on), so that the consistency report counts grades in the database
instead of regrading every sheet's judgements. Existing submitted sheets are graded here by
the same domain rule."""

from __future__ import annotations

from django.apps.registry import Apps
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

BATCH = 2000


def backfill(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    from openepa.domain.grading import Outcome, grade_method
    from openepa.domain.standard import InteractionMode, Method
    from openepa.standards.loader import get_standard

    Attempt = apps.get_model("assessments", "Attempt")
    Judgement = apps.get_model("assessments", "Judgement")
    submitted = Attempt.objects.filter(status="submitted").order_by("pk")
    last = 0
    while True:
        batch = list(submitted.filter(pk__gt=last).select_related("enrolment__standard")[:BATCH])
        if not batch:
            return
        last = batch[-1].pk
        outcomes: dict[int, dict[str, Outcome]] = {a.pk: {} for a in batch}
        rows = Judgement.objects.filter(attempt_id__in=list(outcomes)).exclude(outcome="")
        for attempt_id, code, outcome in rows.values_list(
            "attempt_id", "criterion_code", "outcome"
        ):
            outcomes[attempt_id][code] = Outcome(outcome)
        for attempt in batch:
            enrolment = attempt.enrolment
            standard = get_standard(enrolment.standard.reference)
            if standard is None:
                continue
            modes = set()
            if enrolment.face_to_face:
                modes.add(InteractionMode.FACE_TO_FACE)
            if enrolment.non_facing:
                modes.add(InteractionMode.NON_FACING)
            graded = grade_method(
                standard, Method(attempt.method), frozenset(modes), outcomes[attempt.pk]
            )
            attempt.method_grade = graded.grade.value if graded.grade is not None else ""
        Attempt.objects.bulk_update(batch, ["method_grade"])


class Migration(migrations.Migration):
    dependencies = [("assessments", "0006_attempt_submitted_by")]

    operations = [
        migrations.AddField(
            model_name="attempt",
            name="method_grade",
            field=models.CharField(blank=True, default="", max_length=12),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="attempt",
            index=models.Index(
                condition=models.Q(("status", "submitted")),
                fields=["-submitted_at", "-id"],
                name="attempts_submitted_latest",
            ),
        ),
    ]
