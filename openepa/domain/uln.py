"""Unique Learner Number (ULN): the 10-digit learner identifier issued by the Learning
Records Service, recorded for each Apprentice (DESIGN.md §2 "Apprentice").

The check-digit rule, as published:

* ESFA, "Submit learner data" ILR validation rules 2024 to 2025, derived data rule DD01
  "Checksum digit for unique learner number"
  (https://guidance.submit-learner-data.service.gov.uk/24-25/validation-rules/rule/DD01):
  take the first nine digits, compute (10×1st + 9×2nd + 8×3rd + 7×4th + 6×5th + 5×6th +
  4×7th + 3×8th + 2×9th) mod 11; if the remainder is 0 or the ULN is not 10 characters the
  ULN fails, otherwise the check digit is 10 minus the remainder. Rule ULN_04 then rejects
  a ULN whose 10th digit differs from it. (DD01 also lets 9999999999 through: the ILR's
  placeholder for "ULN not known". An EPA needs the learner's real ULN, so we refuse it.)
* HESA student record field ULN (https://www.hesa.ac.uk/collection/c17051/a/ULN): "a
  ten-digit number with a non-zero number in the first position and a check digit in the
  final position"; worked example 9276308686. Its form of the test (weights 10…1 over all
  ten digits, remainder 10) is the same rule as DD01's.
"""

from __future__ import annotations

ULN_LENGTH = 10
#: DD01's weights for the first nine digits.
_WEIGHTS = (10, 9, 8, 7, 6, 5, 4, 3, 2)
#: The ILR's "ULN not known" placeholder (DD01; ILR rule ULN_02 warns against it).
_UNKNOWN_PLACEHOLDER = "9999999999"


def _check_digit(prefix9: str) -> int | None:
    """10 - (weighted sum mod 11), or None when the remainder is 0: 10 is not one digit,
    so no ULN starts with these nine digits (ESFA ILR rule DD01)."""
    remainder = sum(w * int(d) for w, d in zip(_WEIGHTS, prefix9, strict=True)) % 11
    return None if remainder == 0 else 10 - remainder


def _is_ascii_digits(value: str) -> bool:
    # str.isdigit() also accepts "²" and other Unicode digits, which int() then rejects.
    return value.isascii() and value.isdigit()


def validate_uln(value: str) -> str | None:
    """None when ``value`` is a valid ULN, else a plain-English reason naming the rule
    broken. Surrounding whitespace is ignored; inner spaces are not.

    Source: ESFA ILR validation rules DD01 and ULN_04 (2024 to 2025); HESA ULN field
    definition (first digit non-zero). See the module docstring for the addresses.
    """
    uln = value.strip()
    if uln and not _is_ascii_digits(uln):
        return "ULN must contain digits only (no spaces, letters or punctuation)"
    if len(uln) != ULN_LENGTH:
        return f"ULN must be exactly {ULN_LENGTH} digits (this has {len(uln)})"
    if uln[0] == "0":
        return "ULN must not start with 0"
    if uln == _UNKNOWN_PLACEHOLDER:
        return "9999999999 is the placeholder for an unknown ULN, not a learner's ULN"
    # The check digit expected is never told: it would let anyone turn a mistyped or made-up
    # number into a valid-looking ULN instead of checking it against the learner's record.
    expected = _check_digit(uln[:9])
    if expected is None or int(uln[9]) != expected:
        return "ULN is not valid: its last digit does not match the other nine; check the number"
    return None


def make_uln(prefix9: str) -> str | None:
    """The ULN made by appending the check digit to nine digits, or None when they cannot
    start a ULN (not nine ASCII digits, a leading 0, or a remainder of 0). For test data
    generators. Source: ESFA ILR validation rule DD01.
    """
    if len(prefix9) != ULN_LENGTH - 1 or not _is_ascii_digits(prefix9) or prefix9[0] == "0":
        return None
    check = _check_digit(prefix9)
    if check is None:
        return None
    # Never the 9999999999 placeholder: 999999999's check digit is 8.
    return prefix9 + str(check)
