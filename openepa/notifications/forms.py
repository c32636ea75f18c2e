from __future__ import annotations

from openepa.web.forms import AccessibleForm


class RetryForm(AccessibleForm):
    """Send a failed email again now; nothing to fill in."""
