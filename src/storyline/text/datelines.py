"""Wire datelines: the place, agency and dash that open a news report ("LIMA (Meridian Wire) - ").

Shared by the cleaner (which keeps the dateline out of the lead paragraph's analysis) and the brief (which
leaves it out of a lead sentence it shows).

Example:
    >>> DATELINE.match("SAN JOSE (AP) \u2014 Rescuers dug").group(0)
    'SAN JOSE (AP) \u2014 '
    >>> DATELINE.match("SAN JOSE (AP) Rescuers dug").group(0)
    'SAN JOSE (AP) '
    >>> DATELINE.match("SAN JOSE Rescuers dug") is None
    True
    >>> DATELINE.match("FBI (Federal Bureau of Investigation) Director Ann Voss said") is None
    True
    >>> DATED_DATELINE.match("HARWICK, Oct. 14 Mayor Dana Whitcombe said").group(0)
    'HARWICK, Oct. 14 '
"""

from __future__ import annotations

import re

__all__ = ["DATED_DATELINE", "DATELINE", "DATELINE_HEAD"]

# A wire dateline opening an article's first body paragraph: "LIMA (Meridian Wire) - ", "SAN JOSE -- ",
# "NEW YORK, March 3 — ". An upper-case place (1-4 words), an optional ", State/date" and "(Agency)", a dash.
_PLACE = (
    r"[A-Z][A-Z.'\-]+(?: [A-Z][A-Z.'\-]+){0,3}"  # the place, upper case, 1-4 words
    r"(?:, [A-Z][A-Za-z.]+(?: [A-Za-z0-9.]+){0,2})?"  # ", State" or ", March 3"
)
DATELINE_HEAD = _PLACE + r"(?: \([^()]{1,40}\))?"  # "(Agency)"
# A dash ends it. Without the dash only an agency's credit does ("OSLO (Meridian Wire) Rescuers"), and then the
# brackets must read as a name: one to three capitalised words, no lower-case word and no digit. Brackets after
# a capitalised word hold much else in prose: an expansion ("FBI (Federal Bureau of Investigation) Director"), a
# transcript's stage direction ("(laughs)"), a time stamp ("UPDATE (2:30 p.m.)"); the dash form is the wire's own.
_CREDIT = r"\([A-Z][A-Za-z.&'\-]*(?: [A-Z][A-Za-z.&'\-]*){0,2}\)"
DATELINE = re.compile(
    rf"(?:{DATELINE_HEAD}(?: ?[\u2014\u2013] ?| --? )|{_PLACE} {_CREDIT} )(?=[A-Z\u201c\"])"
)
# A dateline that carries its date needs no dash: "WASHINGTON, March 27 (Reuters) ", "WASHINGTON, March 27 - ".
DATED_DATELINE = re.compile(
    r"[A-Z][A-Z.'\-]+(?: [A-Z][A-Z.'\-]+){0,3}, [A-Z][a-z]{2,8}\.? \d{1,2}"  # place, month and day
    r"(?: \([^()]{1,40}\))?(?: ?(?:[\u2014\u2013]|--?))? ?(?=[A-Z\u201c\"])"  # (agency), a dash if any
)
