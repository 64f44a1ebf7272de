"""Ids that people type (query parameters, form fields, a category given as "12"): only plain ASCII
digits that fit the database's integer columns are ids. ('³'.isdigit() is true but int() refuses it, and
a number past 2⁶³ breaks the query on SQLite and PostgreSQL alike.)"""

#: Larger than any id the database hands out, smaller than the columns' limit.
MAX_ID = 2 ** 62


def parse_id(value):
    """The id `value` spells (an int or a string of digits), or None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    else:
        text = str(value if value is not None else '').strip()
        if not (text.isascii() and text.isdigit()):
            return None
        number = int(text)
    return number if 0 < number < MAX_ID else None
