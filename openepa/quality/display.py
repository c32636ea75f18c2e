"""How samples read in messages and pages."""

from __future__ import annotations

from collections.abc import Iterable

from openepa.domain.dates import long_date
from openepa.quality.models import IqaSample


def sample_words(sample: IqaSample) -> str:
    """e.g. "the practical observation of 2 March 2026 (every Fail decision is sampled)"."""
    attempt = sample.attempt
    return (
        f"the {attempt.get_method_display().lower()} of {long_date(attempt.assessed_on)} "
        f"({sample.explanation})"
    )


def pending_words(samples: Iterable[IqaSample]) -> str:
    return "; ".join(sample_words(s) for s in samples)
