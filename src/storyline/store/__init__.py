"""The store: one SQLite file (WAL) holding raw input, clean articles and everything later stages derive.

Only this module writes SQL. Schema changes are named migrations, applied in order inside a transaction and
recorded in ``_migrations`` (the habit of sqlite-utils' migrations). Writes of a batch are one transaction, so
an interrupted run loses nothing already committed and a re-run resumes: adding an article whose id is
stored is a no-op.

Several processes may use one store: a write transaction takes the write lock when it begins (``BEGIN
IMMEDIATE``), waits up to ``busy_timeout`` for another writer, retries with back-off, and then fails with a
StoreError saying the store is busy; readers never wait (WAL). A file that is not a storyline store (another
program's SQLite file, or not SQLite at all) is refused before anything is written to it. :meth:`Store.check`
verifies the file and the store's own invariants; :meth:`Store.backup` copies it while in use.

Example:
    >>> from storyline.model import Article, Paragraph
    >>> with Store(":memory:") as store:
    ...     store.add_articles([Article(id="a1", title="T", paragraphs=[Paragraph("Body.")])])
    ...     store.add_articles([Article(id="a1", title="T", paragraphs=[Paragraph("Body.")])])
    ...     store.count_articles()
    (['a1'], [])
    ([], ['a1'])
    1

The parts: :mod:`.core` (the :class:`Store`), :mod:`.migrations` (the schema), :mod:`.base` (shared plumbing), and
the records of :mod:`.search`, :mod:`.progress`, :mod:`.identity`, :mod:`.follow`, the corpus's name counts
(:mod:`.names`) and a stream brief's story reads and writes (:mod:`.briefs`).
"""

from .base import BUSY_TIMEOUT, SNIPPET_MARKS, StoryFilter, fts_query, parse_stored_time, stored_time
from .core import Store
from .migrations import COMPLETE, MIGRATIONS

__all__ = [
    "BUSY_TIMEOUT", "COMPLETE", "MIGRATIONS", "SNIPPET_MARKS", "Store", "StoryFilter", "fts_query", "parse_stored_time",
    "stored_time",
]
