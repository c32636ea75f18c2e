import pytest

from openepa.domain.csvsafe import spreadsheet_safe


@pytest.mark.parametrize(
    ("text", "safe"),
    [
        ("Lovelace", "Lovelace"),
        ("O'Neill", "O'Neill"),
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+44 1234", "'+44 1234"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("", ""),
        ("2026-11-23", "2026-11-23"),
    ],
)
def test_formula_starts_are_quoted(text, safe):
    assert spreadsheet_safe(text) == safe
