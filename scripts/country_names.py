"""Write src/storyline/text/lexicons/country_names.txt: the names one country goes by in English news.

Each line holds one country's names joined by " | ": its ISO 3166-1 short name, official name and common name
(pycountry, the Debian iso-codes database) and its CLDR English display name (Babel). Run by hand when either
package updates: ``python scripts/country_names.py``; storyline itself needs neither package at run time.
"""

from __future__ import annotations

from pathlib import Path

import pycountry
from babel import Locale

OUT = Path(__file__).resolve().parent.parent / "src/storyline/text/lexicons/country_names.txt"
HEADER = """\
# Names one country goes by, one country a line, its names joined by " | " ("Russia | Russian Federation"): a
# mention of any of them is one place. Source: the ISO 3166-1 short, official and common names of pycountry {pc}
# (https://pypi.org/project/pycountry/, the Debian iso-codes database, LGPL-2.1) and the English display names
# of the Unicode CLDR through Babel {babel} (https://pypi.org/project/Babel/, Unicode licence), written by
# scripts/country_names.py (names with a comma, the inverted ISO forms, left out; a country known by one name
# only has no line). General: every ISO 3166-1 country, no entry chosen for a page or story.
"""


def main() -> None:
    """Write the file."""
    import babel

    cldr = Locale("en").territories
    lines = []
    for c in pycountry.countries:
        names = [c.name, getattr(c, "official_name", None), getattr(c, "common_name", None), cldr.get(c.alpha_2)]
        seen: list[str] = []
        for n in names:
            if n and "," not in n and n.lower() not in (s.lower() for s in seen):
                seen.append(n)
        if len(seen) > 1:
            lines.append(" | ".join(seen))
    head = HEADER.format(pc=pycountry.__version__ if hasattr(pycountry, "__version__") else "26.2.16",
                         babel=babel.__version__)
    OUT.write_text(head + "\n".join(sorted(lines)) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
