"""The one registry of the lists that download (openepa.core.downloads), typed with the
app's User: the lowest context that knows the user, so every context with a list (and the
shell's audit log) registers its source here, and the notifications context's worker
rebuilds a list by name as the user who asked for it."""

from __future__ import annotations

from openepa.accounts.models import User
from openepa.core.downloads import Sources

SOURCES: Sources[User] = Sources()
