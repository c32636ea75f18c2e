"""What a staff member typed in the header's search box, read as the things it can name
(issue 17 §3): a ULN (ten digits, DESIGN.md §2 "Apprentice"; the ULN is the learner's
identifier in every return and record, so it is looked up exactly, by its unique index), a
number OpenEPA shows on a record (an enrolment's, a case's or an IQA sample's number), or
words of a name (an apprentice's given or family name, an employer's or a provider's name;
every word must match, so "ada love" finds Ada Lovelace).

A word shorter than `MIN_WORD` characters is dropped: it would match most names and cannot
use the trigram indexes that keep a name search fast at 100,000 apprentices (pg_trgm
indexes trigrams, three characters)."""

from __future__ import annotations

from dataclasses import dataclass

from openepa.domain.uln import ULN_LENGTH

MIN_WORD = 2
#: A word at least this long is served by the trigram indexes (pg_trgm: three characters).
TRIGRAM = 3
#: At most this many words are used; the rest of a pasted paragraph is ignored.
MAX_WORDS = 5
#: Numbers beyond this are no record's number (database integer ids stay below 2**31).
MAX_NUMBER = 2**31 - 1


@dataclass(frozen=True)
class Terms:
    text: str
    uln: str = ""
    number: int | None = None
    words: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.uln or self.number is not None or self.words)


def parse(text: str) -> Terms:
    """The searchable parts of `text`: ten digits are a ULN, other digits (optionally after
    "#") a record's number, anything else words of a name."""
    cleaned = " ".join(text.split())
    compact = cleaned.replace(" ", "").removeprefix("#")
    if compact.isascii() and compact.isdigit():
        if len(compact) == ULN_LENGTH:
            return Terms(cleaned, uln=compact)
        if int(compact) <= MAX_NUMBER:
            return Terms(cleaned, number=int(compact))
        return Terms(cleaned)
    words = tuple(w for w in cleaned.split(" ") if len(w) >= MIN_WORD)[:MAX_WORDS]
    return Terms(cleaned, words=words)
