"""What an uploaded file is, judged by its first bytes rather than its name or the type the
browser claims (issue 6 §4: uploads checked by content type, magic bytes).

Only the formats an apprentice's showcase evidence comes in are accepted. Signatures:
PDF "%PDF-" (ISO 32000-1 §7.5.2), PNG's 8-byte signature (ISO/IEC 15948 §5.2), JPEG's
SOI marker FF D8 followed by a marker FF (ITU-T T.81 Annex B), and Office Open XML files
(.docx, .xlsx, .pptx) which are ZIP packages (ECMA-376 Part 2) whose first entry header
is "PK\\x03\\x04"; the caller confirms the package holds "[Content_Types].xml"."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FileKind:
    code: str
    label: str
    content_type: str
    extensions: tuple[str, ...]
    signature: bytes


KINDS = (
    FileKind("pdf", "PDF document", "application/pdf", (".pdf",), b"%PDF-"),
    FileKind("png", "PNG image", "image/png", (".png",), b"\x89PNG\r\n\x1a\n"),
    FileKind("jpeg", "JPEG image", "image/jpeg", (".jpg", ".jpeg"), b"\xff\xd8\xff"),
    FileKind(
        "docx",
        "Word document",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (".docx",),
        b"PK\x03\x04",
    ),
    FileKind(
        "pptx",
        "PowerPoint presentation",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        (".pptx",),
        b"PK\x03\x04",
    ),
)
ACCEPTED_WORDS = "PDF, Word (.docx), PowerPoint (.pptx), PNG or JPEG"


def extension_of(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:].lower() if dot > 0 else ""


def kind_for(name: str, head: bytes) -> FileKind | None:
    """The kind whose extension the name has and whose signature the content starts with."""
    ext = extension_of(name)
    for kind in KINDS:
        if ext in kind.extensions and head.startswith(kind.signature):
            return kind
    return None


def upload_problems(
    *, name: str, size: int, head: bytes, max_bytes: int, held: int, max_files: int | None
) -> list[str]:
    """Every reason the upload is refused, in words for the person uploading it."""
    problems = []
    if size == 0:
        problems.append("The file is empty.")
    elif size > max_bytes:
        problems.append(
            f"The file is {size / 1_000_000:.1f} MB; the largest file accepted is "
            f"{max_bytes / 1_000_000:.0f} MB."
        )
    if size and kind_for(name, head) is None:
        ext = extension_of(name) or "no extension"
        problems.append(
            f"The file must be a {ACCEPTED_WORDS} file, and its contents must match its name "
            f"({name!r} has {ext} and its contents are not a file of that kind)."
        )
    if max_files is not None and held >= max_files:
        problems.append(
            f"The portfolio already holds {held} pieces of evidence, the most this EPAO accepts "
            f"({max_files}). Remove one before adding another."
        )
    return problems
