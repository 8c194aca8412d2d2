"""Dedupe: syndicated copies, exact duplicates, stitched pages, and who published a passage first.

Stage ``dedupe`` runs on clean articles whose flags are final: after the nlp stage and the clean stage's
``captions`` step, so the analysed paragraphs it signs are the ones every later stage reads. It reads each
article's ``content_hash`` (:func:`storyline.text.fingerprint.content_hash`, set by clean; taken here when an
article never went through clean), its flags and its analysed paragraphs. What it adds to each article:

- ``duplicate_of`` and the flags ``syndicated`` (+ ``exact_duplicate`` for identical normalised text): the
  article is a near-copy, a re-edited copy or a version of the canonical article of its group. A group's
  canonical article is the earliest published, else the first seen (ingest order), else the longest; when an
  earlier copy arrives later, the whole group is re-pointed to it.
- ``updates``: for a version (the same outlet's story again, with other text), the latest earlier version of
  that outlet's story in its group; the report shows what changed between the two.
- ``paragraph.reused_from``: other articles carrying the paragraph near-verbatim, pointing at the earliest
  known source when the dates allow, or listed with ``"order": "unknown"`` when they do not (see
  :mod:`storyline.dedupe.passages`). Copies in the article's own group are not listed: ``duplicate_of``
  says it already.
- the flag ``stitched``: at least ``stitched_share`` of its trackable paragraphs come from articles outside
  its group.

An article too short to judge (flag ``too_short``, or fewer than ``min_words`` words) is never marked a
duplicate and carries no signature.

How near-copies are found: MinHash signatures (``num_perm`` values, one-permutation hashing) of
``shingle``-word shingles of the analysed text; ``datasketch.MinHashLSH`` proposes candidates at
``threshold - lsh_slack``, and so does any article sharing a passage (which finds truncated and padded
copies). A candidate is a copy when the exact Jaccard of the two shingle sets is >= ``threshold``, or when
>= ``containment`` of the shorter one's shingles are in the longer one; precision thus never depends on the
MinHash estimate, and the slack buys recall. A candidate sharing a passage is also a copy by its lead and
paragraphs (:mod:`storyline.dedupe.leads`): a *re-edited wire copy* has the same lead and >= ``lead_share``
of the shorter one's paragraphs (paragraphs cut and added by a member paper), a *version* is of the same
outlet with the same headline or lead and >= ``version_share`` of the paragraphs kept; paragraphs match at
3-word shingle Jaccard >= ``run_threshold``, and either rule needs two matched paragraphs. A new article
joins the groups of all its matches (single link: groups it bridges are merged). Signatures live in the
store (:mod:`storyline.dedupe.index`); a run signs only the articles it has not seen, and a change of any
dedupe setting makes the next run recompute all.

Settings (``[dedupe]`` in defaults.toml, each value explained there; measured by ``bench/dedupe.py`` and
``bench/copies.py``):
``threshold`` (0.7), ``containment`` (0.7, 0 = off), ``lead_share`` (0.5), ``run_threshold`` (0.5),
``version_share`` (0.3), ``num_perm``, ``shingle`` (5), ``min_words``, ``lsh_slack``; for passages
``passage_threshold`` (0.7), ``passage_num_perm``, ``passage_shingle`` (3), ``passage_min_words`` (12),
``passage_sentence_words`` (20) and ``stitched_share`` (0.5).

Measured (bench/dedupe.py: generated corpora with known copies, 2-core machine shared with other jobs):
pairs in the same group vs brute-force exact similarity on a 2k subset: precision 0.987, recall 1.0
(grouping vs connected components of the true pairs: 1.0 / 1.0); 1k / 5k / 20k articles in 1.5 / 6.2 /
27 s CPU (about linear), peak 0.05 / 0.2 / 0.8 GB; adding 100 articles to 20k stored: 3.4 s. A stream run
reads by key only what its new articles meet (:mod:`storyline.dedupe.lookup`; the first small run after a large
one writes the lookups once): one article into a 20k store 0.02 s CPU instead of 0.5 s, ten 0.11 s.
Dev corpus (84 real pages): both labelled copies found, no false copy. Copies and versions (bench/copies.py,
constants chosen on the team corpus and generated copies): team corpus pair recall 0.714 -> 1.0, generated
re-edited wire copies and same-outlet updates 0.53 / 0.44 -> 0.98 / 0.99 (two draws), precision 1.0 and no
pair across stories on every set; dev corpus (check) 1.0 / 1.0, unchanged.

**Downstream rule:** later stages count a syndicated group once, through ``duplicate_of``: an article with
``duplicate_of`` set is the same source as its canonical article (a claim made by twenty copies of one
wire story is one source, not twenty). Stories keep every article with its ``duplicate_of``, flags and
``reused_from``.

Example:
    >>> from storyline.config import Settings
    >>> from storyline.model import Article, Paragraph
    >>> from storyline.context import RunContext
    >>> from storyline.store import Store
    >>> body = [Paragraph("The city council voted on Tuesday to close the old harbour bridge for two years of "
    ...                   "repairs, after engineers found cracks in three of its steel supports last spring.")]
    >>> with Store(":memory:") as store:
    ...     _ = store.add_articles([Article(id="a", title="Bridge shut", paragraphs=body, published="2024-05-02"),
    ...                             Article(id="b", title="Bridge to close", paragraphs=body)])
    ...     run(RunContext(store, Settings.load(), new_ids=["a", "b"]))
    ...     copy = store.get_article("b")
    >>> copy.duplicate_of, copy.flags
    ('a', ['syndicated', 'exact_duplicate'])
"""

from __future__ import annotations

from .groups import DuplicateGroup, GroupMember, PassageSource, ReusedPassage, duplicate_groups
from .stage import run

__all__ = ["DuplicateGroup", "GroupMember", "PassageSource", "ReusedPassage", "duplicate_groups", "run"]
