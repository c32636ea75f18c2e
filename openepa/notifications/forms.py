from __future__ import annotations

from openepa.core.forms import AccessibleForm


class RetryForm(AccessibleForm):
    """Send a failed email again now; nothing to fill in."""
