"""Bytes to clean text: byte-order marks, declared charsets, detection, then mojibake and homoglyph repair.

The order follows what is most often right on real pages: a BOM wins; then strict UTF-8 (most of the web);
then the charset the document declares; then Windows-1252 when the bytes read as mostly-ASCII Western text
(charset detectors misjudge short Western texts, e.g. as cp1250); then charset-normalizer. The result goes
through ``ftfy.fix_text`` (UTF-8 read as Latin-1 and similar mojibake: "CafÃ©" -> "Café") and through a
homoglyph repair for Latin words spelt with Cyrillic lookalike letters (a content-farm trick that hides text
from search and from language detection).

Example:
    >>> decode_bytes("Caf\\xe9 \\u201cnoir\\u201d".encode("cp1252"))
    'Café “noir”'
    >>> fix_text("CafÃ© au lait")
    'Café au lait'
"""

from __future__ import annotations

import codecs
import re
import unicodedata

import charset_normalizer
import ftfy

from ..errors import InputError

# How much of the head of a file is inspected for NUL bytes and a declared charset: enough for the
# <head> of an HTML page or an XML declaration, cheap on a huge file.
SNIFF_BYTES = 4096
# Share of C0 control characters (other than tab, newline, carriage return, form feed) in decoded text above
# which it is binary that happened to decode; real text has practically none.
MAX_CONTROL_SHARE = 0.01
# Windows-1252 is accepted without detection when non-ASCII letters are at most this share of all letters:
# Western-European text has a few accented letters, while Cyrillic or Greek bytes read as cp1252 are almost
# all non-ASCII.
CP1252_MAX_NON_ASCII = 0.3

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_DECLARED = re.compile(rb"""(?:charset|encoding)\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_FTFY = ftfy.TextFixerConfig(uncurl_quotes=False)  # keep curly quotes: quote extraction and citations use them
# What ftfy can act on: Latin-1/cp1252 characters (every UTF-8 mojibake has some), replacement characters,
# HTML entities, control characters and CRs, ligatures and full-width forms. Text without any is only
# NFC-normalised, which skips ftfy's per-line work on most clean English text.
_FTFY_WORK = re.compile("[\u0080-\u00ff\ufffd&\x00-\x09\x0b-\x1f\x7f\ufb00-\ufb06\uff01-\uff5e\u2028\u2029]")

# Cyrillic and Greek letters that look like Latin ones.
_CONFUSABLES = str.maketrans(
    "аеорсухіјѕԁһӏАВЕКМНОРСТХУІЈЅοΑΒΕΖΗΙΚΜΝΟΡΤΥΧ",
    "aeopcyxijsdhlABEKMHOPCTXYIJSoABEZHIKMNOPTYX",
)
_CONFUSABLE_SET = frozenset("аеорсухіјѕԁһӏАВЕКМНОРСТХУІЈЅοΑΒΕΖΗΙΚΜΝΟΡΤΥΧ")
_CONFUSABLE_RE = re.compile("[аеорсухіјѕԁһӏАВЕКМНОРСТХУІЈЅοΑΒΕΖΗΙΚΜΝΟΡΤΥΧ]")
_WORD = re.compile(r"\w+")
# A text is repaired only when this share of its letters is Latin: then a lookalike letter is a disguise,
# not a word of another script.
HOMOGLYPH_LATIN_SHARE = 0.5


class BinaryInputError(InputError):
    """Bytes that are not text."""


def declared_charset(data: bytes) -> str | None:
    """The charset a document declares in its first bytes (HTML meta, XML declaration), if Python knows it."""
    match = _DECLARED.search(data[:SNIFF_BYTES])
    if not match:
        return None
    name = match.group(1).decode("ascii", "ignore").lower()
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def looks_binary(head: bytes) -> bool:
    """True when the first bytes hold a NUL byte that no UTF-16/32 byte-order mark explains."""
    if any(head.startswith(bom) for bom, enc in _BOMS if enc in ("utf-16", "utf-32")):
        return False
    return b"\x00" in head[:SNIFF_BYTES]


def _try(data: bytes, encoding: str) -> str | None:
    """The bytes decoded strictly, or None when they are not valid in that encoding."""
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _mostly_ascii_letters(text: str) -> bool:
    """True when non-ASCII letters are at most CP1252_MAX_NON_ASCII of all letters."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return True
    return sum(1 for c in letters if not c.isascii()) / len(letters) <= CP1252_MAX_NON_ASCII


def decode_bytes(data: bytes, declared: str | None = None, path: str = "<bytes>", repair: bool = True) -> str:
    """Decode bytes to text, repaired by :func:`fix_text` unless ``repair`` is False; raises BinaryInputError.

    ``declared`` is a charset given from outside (an HTTP header in a WARC record); the document's own
    declaration is read from its first bytes. Markup and JSON are decoded without repair (their extracted
    fields are repaired instead: cheaper, and line-break fixes must not touch JSON strings).
    """
    if looks_binary(data):
        raise BinaryInputError(path, "binary file (NUL bytes), not text")
    text = None
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            text = _try(data, encoding)
            break
    if text is None:
        text = _try(data, "utf-8")
    if text is None:
        for enc in (declared, declared_charset(data)):
            if enc and (text := _try(data, enc)) is not None:
                break
    if text is None:
        cp = _try(data, "cp1252")
        if cp is not None and _mostly_ascii_letters(cp):
            text = cp
    if text is None:
        best = charset_normalizer.from_bytes(data).best()
        if best is None:
            raise BinaryInputError(path, "binary file: bytes are not text in any known encoding")
        text = str(best)
    if text and len(_CONTROL.findall(text[:100_000])) > MAX_CONTROL_SHARE * min(len(text), 100_000):
        raise BinaryInputError(path, "binary file (control characters), not text")
    return fix_text(text) if repair else text


def fix_text(text: str) -> str:
    """Repair mojibake (ftfy, keeping curly quotes), normalise line breaks, undo Latin homoglyph disguises."""
    if not text:
        return text
    if _FTFY_WORK.search(text):
        text = ftfy.fix_text(text, _FTFY)
    else:  # none of the characters ftfy acts on: only its final normalisation applies
        text = unicodedata.normalize("NFC", text)
    return fix_homoglyphs(text)


def fix_homoglyphs(text: str) -> str:
    """Replace Cyrillic/Greek lookalikes inside words of a mostly-Latin text ("Aftеr" with Cyrillic е -> "After")."""
    if not _CONFUSABLE_RE.search(text):
        return text
    latin = sum(1 for c in text if c.isascii() and c.isalpha())
    letters = sum(1 for c in text if c.isalpha())
    if not letters or latin / letters < HOMOGLYPH_LATIN_SHARE:
        return text

    def repair(match: re.Match[str]) -> str:
        """The word with lookalikes replaced, when it is Latin letters and lookalikes only."""
        word = match.group(0)
        if any(c in _CONFUSABLE_SET for c in word) and all(c.isascii() or c in _CONFUSABLE_SET for c in word):
            return word.translate(_CONFUSABLES)
        return word

    return _WORD.sub(repair, text)
