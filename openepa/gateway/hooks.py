"""Where a later context widens who may open the gateway documents without gateway
importing it: the cases context (openepa.cases) registers from its AppConfig.ready that an
enquiry or appeal's reviewer and panel members may open the documents of the apprentice
whose decision they review."""

from __future__ import annotations

from collections.abc import Callable

from openepa.accounts.models import User

#: (user, enrolment id) -> may this user open that enrolment's gateway documents?
type DocumentReader = Callable[[User, int], bool]

_READERS: list[DocumentReader] = []


def add_document_reader(reader: DocumentReader) -> None:
    """Let `reader` grant access to gateway documents (once, however often asked)."""
    if reader not in _READERS:
        _READERS.append(reader)


def may_read_as_checker(user: User, enrolment_id: int) -> bool:
    return any(reader(user, enrolment_id) for reader in _READERS)
