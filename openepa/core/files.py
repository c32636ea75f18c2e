"""The file store on this machine's disk: the default storage unless object storage is
configured (settings.STORAGES, docs/DEPLOY.md). Every file OpenEPA keeps — uploaded
evidence, stored documents — goes through Django's default storage, never through paths,
so the same code writes to a folder here or to an S3-compatible bucket shared by several
hosts."""

from __future__ import annotations

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class UploadFolder(FileSystemStorage):
    """A folder at OPENEPA_UPLOAD_ROOT, outside the static files and the web root: no file
    in it is served by a web server directly, only by the access-checked views. The folder
    is read from the setting at each use, so a test that moves it moves the files."""

    @property
    def base_location(self) -> str:
        return str(settings.OPENEPA_UPLOAD_ROOT)

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)
