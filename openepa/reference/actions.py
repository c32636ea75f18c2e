"""Writes of reference data: loading the standards and policies into the database."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from openepa.domain.standard import Criterion as CriterionData
from openepa.policies import loader as policy_loader
from openepa.reference.models import Criterion, Policy, StandardVersion
from openepa.standards import loader as standard_loader


@dataclass(frozen=True)
class LoadReport:
    standards: list[str]
    policies: list[str]
    criteria: int


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _criterion_fields(crit: CriterionData, position: int) -> dict[str, object]:
    return {
        "code": crit.code,
        "method": crit.method.value,
        "level": crit.level.value,
        "module": crit.module,
        "text": crit.text,
        "interaction_mode": crit.interaction_mode.value if crit.interaction_mode else "",
        "position": position,
    }


def do_load_reference_data() -> LoadReport:
    """Validate every data file, then upsert standards, criteria and policies in one
    transaction: an invalid file changes nothing. Idempotent."""
    standard_files = sorted(standard_loader.DATA_DIR.glob("*.yaml"))
    policy_files = sorted(policy_loader.DATA_DIR.glob("*.yaml"))
    standards = [(path, standard_loader.load_standard(path)) for path in standard_files]
    policies = [(path, policy_loader.load_policy(path)) for path in policy_files]
    criteria = 0
    with transaction.atomic():
        for path, standard in standards:
            row, created = StandardVersion.objects.select_for_update().update_or_create(
                reference=standard.reference,
                version=standard.version,
                defaults={
                    "title": standard.title,
                    "level": standard.level,
                    "assessment_plan": standard.assessment_plan,
                    "digest": _digest(path),
                },
            )
            fields = [
                _criterion_fields(crit, position) for position, crit in enumerate(standard.criteria)
            ]
            if created:
                # A new version has no criteria yet: one INSERT instead of a lookup each.
                Criterion.objects.bulk_create(Criterion(standard=row, **f) for f in fields)
            else:
                for f in fields:
                    Criterion.objects.update_or_create(standard=row, code=f.pop("code"), defaults=f)
            criteria += len(standard.criteria)
        for path, policy in policies:
            Policy.objects.update_or_create(
                code=policy.code, defaults={"name": policy.name, "digest": _digest(path)}
            )
    return LoadReport(
        standards=[f"{s.reference} v{s.version}" for _, s in standards],
        policies=[p.code for _, p in policies],
        criteria=criteria,
    )
