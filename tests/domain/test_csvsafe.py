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


def test_the_writers_quote_text_cells_and_leave_numbers_alone():
    import csv
    import io

    from openepa.domain import csvsafe

    out = io.StringIO()
    csvsafe.writer(out).writerow(["=1+1", -1, 2.5, "\rx", "Lovelace"])
    rows = csvsafe.dict_writer(out, ["=name", "n"])
    rows.writeheader()
    rows.writerow({"=name": "@x", "n": -3})
    assert list(csv.reader(io.StringIO(out.getvalue(), newline=""))) == [
        ["'=1+1", "-1", "2.5", "'\rx", "Lovelace"],
        ["'=name", "n"],
        ["'@x", "-3"],
    ]
