"""Write src/storyline/text/lexicons/legal_forms.txt: the legal-form suffixes of company names in English news.

The entries are the business-entity terms that the cleanco package lists for the largest English-language
news markets (``cleanco.termdata.terms_by_country``: "Inc.", "LLC", "Ltd", "PLC", "Pty Ltd", ...), one word a
line, lowercased and without dots ("l.l.c." -> "llc"); a multi-word form gives its last word ("pty ltd" ->
"ltd"). Run by hand when cleanco updates; storyline itself does not need cleanco at run time, so it is no
dependency of the project and must be installed first (the file was written with 2.3)::

    pip install "cleanco==2.3"   # in the project's virtualenv or any other
    python scripts/legal_forms.py

The short forms that are also surnames ("co", "cio") stay in the file; extract/entities.py counts them only
with their dot, in capitals or after "&" ("Co.", "CIO", "& Co").
"""

from __future__ import annotations

from importlib.metadata import version
from pathlib import Path

from cleanco.termdata import terms_by_country

OUT = Path(__file__).resolve().parent.parent / "src/storyline/text/lexicons/legal_forms.txt"
# The largest English-language news markets; the forms of the smaller ones include surnames ("Teo").
COUNTRIES = ("United States of America", "United Kingdom", "Canada", "Australia")
HEADER = """\
# Legal-form suffixes of company names ("Harwick Foods Inc.", "Marlow Holdings LLC", "Tolven Pty Ltd"): a name
# that ends in one is a company's, never a person's. Source: the business-entity terms cleanco {v}
# (https://pypi.org/project/cleanco/, MIT licence) lists for the largest English-language news markets,
# lowercased without dots, the last word of a multi-word form; written by scripts/legal_forms.py. Countries:
# {countries}.
# General: legal forms only, no entry chosen for a page or story.
"""


def main() -> None:
    """Write the file."""
    words: set[str] = set()
    for country in COUNTRIES:
        for term in terms_by_country[country]:
            last = term.replace(".", "").split()[-1]
            if last.isalpha():
                words.add(last.lower())
    head = HEADER.format(v=version("cleanco"), countries=", ".join(COUNTRIES))
    OUT.write_text(head + "\n".join(sorted(words)) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
