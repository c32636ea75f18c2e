"""Where showcase evidence lives: the uploads every context shares (openepa.core.uploads),
reached only through the access-checked download view."""

from openepa.core.uploads import (
    HEAD_BYTES,
    Stored,
    discard,
    head_of,
    is_office_package,
    storage,
    store,
)

__all__ = ["HEAD_BYTES", "Stored", "discard", "head_of", "is_office_package", "storage", "store"]
