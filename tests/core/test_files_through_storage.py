"""Every file OpenEPA keeps goes through Django's storage API (issue 15 §6), so that it
lands in the object store when one is configured and web and worker processes on other
hosts see it. This scans the code for writes to the host's disk by path; the few that are
meant to stay on the host are listed with their reason."""

from __future__ import annotations

import ast
from pathlib import Path

import openepa

ROOT = Path(openepa.__file__).resolve().parent

#: Modules that write to this host's disk on purpose, and why that is right on any host.
ON_THE_HOST = {
    # The cache of validated data files: derived from the shipped files, rebuilt by any
    # host that lacks it.
    "datafiles.py",
    # Creates var/ for the embedded SQLite database of a developer's machine.
    "settings.py",
    # Writes the export's files into the folder its operator names (--out).
    "certificates/management/commands/export_certificates.py",
    # Writes the Ofqual return into the file its operator names (--output), for a scheduled job.
    "results/management/commands/ofqual_return.py",
    # A prepared download is spooled (in memory, then the host's temporary folder past a
    # size) only to hand it to the storage whole: the file kept is default_storage's.
    "notifications/prepared.py",
}

#: pathlib's writing methods (names no other common type has).
WRITING_METHODS = {"write_text", "write_bytes", "mkdir", "touch", "unlink", "rmdir"}
#: Functions of these modules that write to the disk.
WRITING_FUNCTIONS = {
    "os": {"replace", "rename", "remove", "unlink", "makedirs", "mkdir", "open"},
    "tempfile": None,  # any
    "shutil": None,  # any
}
WRITING_NAMES = {"open", "FileSystemStorage", "NamedTemporaryFile", "mkstemp", "mkdtemp"}


def writes_by_path(tree: ast.AST) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        function = node.func
        if isinstance(function, ast.Name) and function.id in WRITING_NAMES:
            found.append(f"{function.id}() at line {node.lineno}")
        elif isinstance(function, ast.Attribute):
            owner = function.value
            if isinstance(owner, ast.Name) and owner.id in WRITING_FUNCTIONS:
                names = WRITING_FUNCTIONS[owner.id]
                if names is None or function.attr in names:
                    found.append(f"{owner.id}.{function.attr}() at line {node.lineno}")
            elif function.attr in WRITING_METHODS:
                found.append(f".{function.attr}() at line {node.lineno}")
    return found


def test_files_are_written_only_through_djangos_storage():
    offenders = {}
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if "/migrations/" in relative or relative in ON_THE_HOST:
            continue
        found = writes_by_path(ast.parse(path.read_text(encoding="utf-8")))
        if found:
            offenders[relative] = found
    assert offenders == {}, (
        "Write files through django.core.files.storage.default_storage (or list the module "
        f"in ON_THE_HOST with the reason it must stay on the host): {offenders}"
    )


def test_the_scan_finds_a_write_by_path():
    sample = (
        "Path('x').write_bytes(b'')\nopen('y', 'w')\nos.replace('a', 'b')\n"
        "tempfile.mkdtemp()\n'text'.replace('a', 'b')\nstorage.open('z', 'rb')\n"
    )
    assert sorted(writes_by_path(ast.parse(sample))) == [
        ".write_bytes() at line 1",
        "open() at line 2",
        "os.replace() at line 3",
        "tempfile.mkdtemp() at line 4",
    ]


def test_each_module_allowed_to_write_on_the_host_still_does():
    for relative in sorted(ON_THE_HOST):
        tree = ast.parse((ROOT / relative).read_text(encoding="utf-8"))
        assert writes_by_path(tree), f"{relative} no longer writes by path: take it off the list"
