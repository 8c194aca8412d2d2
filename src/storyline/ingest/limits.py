"""Limits on hostile input: a time limit per document, bounded inflation, JSON nesting, unsafe characters.

Every refusal is a :class:`LimitError` whose message names the limit and the ``[ingest]`` setting that sets it
(see ``defaults.toml`` for each value's reason), so the user knows what to raise if the input is genuine.

Example:
    >>> json_depth({"a": [[1]]}, limit=20)
    3
    >>> scrub("T\\x00itle \\ud800") == "Title \\ufffd"
    True
"""

from __future__ import annotations

import ctypes
import re
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

from ..errors import InputError

# An attribute value longer than this is an inlined blob (a data: URI, a serialised app state), never text a
# reader shows; libxml2 refuses values past 10,000,000 characters and then the whole page's text is lost.
MAX_ATTRIBUTE_CHARS = 100_000
_HUGE_ATTRIBUTE = re.compile(r"""=(\s*)(?:"[^"]{%d,}"|'[^']{%d,}')""" % (MAX_ATTRIBUTE_CHARS, MAX_ATTRIBUTE_CHARS))
# Numeric character references to code points XML and UTF-8 cannot hold (surrogates, NUL and C0 controls,
# beyond U+10FFFF): feedparser's XML parser gives up on the whole feed at the first one.
_CHAR_REF = re.compile(rb"&#(?:[xX]([0-9a-fA-F]{1,12})|([0-9]{1,12}));")
_XML_C0_ALLOWED = (0x9, 0xA, 0xD)
_FIRST_PRINTABLE = 0x20  # below it, XML allows only tab, newline and carriage return
_LAST_CODE_POINT = 0x10FFFF
_SURROGATES = (0xD800, 0xDFFF)
_SURROGATE = re.compile("[\ud800-\udfff]")


class LimitError(InputError):
    """An input above one of the ``[ingest]`` limits; the message names the limit and its setting."""


class _Timeout(BaseException):
    """Raised by the alarm inside a parser; a BaseException, so the parser's ``except Exception`` lets it by."""


@contextmanager
def time_limit(seconds: float, path: str, what: str = "text extraction") -> Iterator[None]:
    """Raise LimitError when the block runs longer than ``seconds`` (0: no limit), in any thread.

    The main thread uses SIGALRM; other threads (the web app's ``POST /api/articles``, the follower's workers)
    get the same exception from a watchdog timer through ``PyThreadState_SetAsyncExc``. Both land between two
    Python bytecodes, so either way one long call into C (an lxml parse, a regex match) finishes first; that is
    bounded by the size limits (``ingest.max_bytes``, MAX_ATTRIBUTE_CHARS), not by the clock.
    """
    if seconds <= 0:
        yield
        return
    alarm: _Alarm
    if hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread():
        alarm = _SignalAlarm(seconds)
    else:
        alarm = _ThreadAlarm(seconds)
    alarm.arm()
    try:
        yield
    except _Timeout:
        alarm.disarm()
        raise LimitError(path, f"{what} took longer than {seconds:g} s (ingest.extract_seconds)") from None
    finally:
        alarm.disarm()


class _Alarm:
    """Raises _Timeout in the arming thread ``seconds`` after :meth:`arm`, unless :meth:`disarm` came first."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    def arm(self) -> None:
        """Start the clock."""

    def disarm(self) -> None:
        """Stop the clock; no _Timeout reaches the thread after this returns (idempotent)."""


class _SignalAlarm(_Alarm):
    """SIGALRM with an interval timer (main thread only)."""

    def arm(self) -> None:
        """Install the handler and start the timer."""

        def on_alarm(signum: int, frame: FrameType | None) -> None:
            raise _Timeout

        self.previous = signal.signal(signal.SIGALRM, on_alarm)
        signal.setitimer(signal.ITIMER_REAL, self.seconds)

    def disarm(self) -> None:
        """Stop the timer and put the previous handler back."""
        if hasattr(self, "previous"):
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, self.previous)
            del self.previous


class _ThreadAlarm(_Alarm):
    """A watchdog timer that raises _Timeout asynchronously in the thread that armed it (any thread)."""

    def arm(self) -> None:
        """Start the watchdog."""
        self.target = threading.get_ident()
        self.lock = threading.Lock()
        self.done = self.fired = False
        self.timer = threading.Timer(self.seconds, self._fire)
        self.timer.daemon = True
        self.timer.start()

    def _fire(self) -> None:
        with self.lock:
            if not self.done:
                self.fired = True
                _set_async_exc(self.target, _Timeout)

    def disarm(self) -> None:
        """Stop the watchdog, and withdraw a _Timeout it sent that the thread has not raised yet."""
        try:
            self._stop()
        except _Timeout:  # the watchdog fired as the block ended and it landed here: it fires only once
            self._stop()

    def _stop(self) -> None:
        self.timer.cancel()
        with self.lock:
            self.done = True
            if self.fired:
                _set_async_exc(self.target, None)


def _set_async_exc(thread_id: int, exc: type[BaseException] | None) -> None:
    """Have ``exc`` raised in the thread at its next bytecode (None withdraws a pending one)."""
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id), ctypes.py_object(exc) if exc else None)


def json_depth(value: object, limit: int) -> int:
    """How deeply a parsed JSON value nests (a scalar is 0); stops counting once past ``limit``."""
    deepest = 0
    stack: list[tuple[object, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: list[object] = list(item.values())
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, depth)
        if deepest > limit:
            return deepest
        stack.extend((child, depth + 1) for child in children)
    return deepest


def check_inflation(inflated: int, compressed: int, path: str, max_bytes: int, max_inflated: int, ratio: float) -> None:
    """Raise LimitError when a compressed stream has inflated past the file cap or at a bomb's ratio."""
    if inflated > max_inflated:
        raise LimitError(path, f"inflates past the limit of {max_inflated:,} bytes (ingest.max_decompressed_bytes); "
                               "refused before reading its records")
    if inflated > max_bytes and inflated > ratio * max(compressed, 1):
        raise LimitError(path, f"inflates more than {ratio:g} times its compressed size, like a decompression bomb "
                               "(ingest.max_inflation_ratio); refused before reading its records")


def shrink_attributes(html: str) -> str:
    """The page with attribute values longer than MAX_ATTRIBUTE_CHARS emptied (the markup stays parseable)."""
    if len(html) <= MAX_ATTRIBUTE_CHARS:
        return html
    return _HUGE_ATTRIBUTE.sub(r'=\1""', html)


def _safe_reference(match: re.Match[bytes]) -> bytes:
    """The reference itself when XML can hold its code point, else one to U+FFFD."""
    hexa, dec = match.group(1), match.group(2)
    try:
        code = int(hexa, 16) if hexa else int(dec)
    except ValueError:
        return b"&#xFFFD;"
    bad = (code < _FIRST_PRINTABLE and code not in _XML_C0_ALLOWED) or _SURROGATES[0] <= code <= _SURROGATES[1]
    return b"&#xFFFD;" if bad or code > _LAST_CODE_POINT else match.group(0)


def safe_character_references(data: bytes) -> bytes:
    """Bytes of markup with references to impossible code points (``&#xD800;``) turned into U+FFFD."""
    return _CHAR_REF.sub(_safe_reference, data) if b"&#" in data else data


def scrub(text: str) -> str:
    """Text without NUL characters and with lone surrogates replaced (neither can be stored or shown)."""
    if "\x00" in text:
        text = text.replace("\x00", "")
    return _SURROGATE.sub("\ufffd", text)
