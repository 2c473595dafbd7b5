"""CSV cells a spreadsheet will not run: the one rule every CSV the project writes follows."""
from __future__ import annotations

__all__ = ["csv_safe", "csv_row", "FORMULA_STARTS"]

# Excel, LibreOffice and Google Sheets treat a cell starting with one of these as a formula
# (OWASP, "CSV Injection"); a tab or carriage return first hides such a start from a reader.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value):
    """A cell as text a spreadsheet shows instead of running; numbers and None pass unchanged.

    >>> csv_safe('=HYPERLINK("http://x")'), csv_safe("@SUM(A1)"), csv_safe("-1+2")
    ('\\'=HYPERLINK("http://x")', "'@SUM(A1)", "'-1+2")
    >>> csv_safe("Kế hoạch"), csv_safe(-3), csv_safe(None)
    ('Kế hoạch', -3, None)
    """
    # Numbers written as numbers stay numbers: -3 in a count column is data, not a formula.
    if not isinstance(value, str):
        return value
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def csv_row(values):
    """Every cell of a row (a list or a mapping) through `csv_safe`."""
    if isinstance(values, dict):
        return {key: csv_safe(value) for key, value in values.items()}
    return [csv_safe(value) for value in values]
