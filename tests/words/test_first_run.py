"""The first run speaks plainly: `make run` ends with the address and the demo sign-ins
(scripts/run-dev runs `seed_demo --sign-ins`), and the README stands alone: no links to
files outside the repository, no row of a table twice (issue 11 §2)."""

from __future__ import annotations

import re
from collections import Counter
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from openepa.accounts.models import User
from openepa.demo import DEMO_PASSWORD

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_the_sign_ins_are_printed_with_the_address_without_touching_the_database():
    out = StringIO()
    call_command("seed_demo", "--sign-ins", "--address", "http://127.0.0.1:8000/", stdout=out)
    text = out.getvalue()
    assert text.startswith(
        f"Sign in at http://127.0.0.1:8000/accounts/login/ as any of these (password: "
        f"{DEMO_PASSWORD}):"
    )
    for email in (
        "admin@demo.openepa.test",
        "iqa@demo.openepa.test",
        "apprentice@demo.openepa.test",
    ):
        assert email in text
    assert not User.objects.exists()


def test_make_run_ends_with_the_sign_ins_before_the_server_starts():
    script = (ROOT / "scripts" / "run-dev").read_text()
    sign_ins = script.index("seed_demo --sign-ins")
    assert sign_ins < script.index("runserver")
    assert "http://$HOST:$PORT/" in script[sign_ins:]


def test_the_readme_links_nothing_outside_the_repository_and_repeats_no_row():
    readme = (ROOT / "README.md").read_text()
    assert not re.findall(r"\.\./[\w./-]+", readme)
    assert not re.findall(r"\bseeds? \d{3}\b", readme)
    who_does_what = readme[readme.index("## Using OpenEPA") : readme.index("### Assessors")]
    steps = [r.split("|")[1].strip() for r in who_does_what.splitlines() if r.startswith("| ")]
    assert "Release results" in steps
    assert [s for s, n in Counter(steps).items() if n > 1] == []
