"""Each story's share of its storyline's brief, kept between runs.

A storyline's brief is the picks of its member stories in time order, each story's picks made from that story
alone (:func:`storyline_summary`). So a member story a run did not touch gives the same picks as last time: they
are kept in the brief stage's state, and a new article re-fits only the stories it touched, not every story of
their storylines. A kept part carries a fingerprint of what it was made from (the story's articles in order and
the brief settings); a part whose fingerprint no longer matches is made again.

Example:
    >>> from storyline.config import Settings
    >>> from storyline.model import Citation, Story
    >>> from storyline.store import Store
    >>> with Store(":memory:") as store:
    ...     parts = StoryParts(store, Settings.load())
    ...     parts.keep(Story(id="s1", articles=["a1"]), [Citation(text="Rain.", sources=["a1"])])
    ...     parts.save()
    ...     again = StoryParts(store, Settings.load())
    ...     again.load([Story(id="s1", articles=["a1"]), Story(id="s2", articles=["a2"])])
    ...     sorted(again.parts)
    ['s1']
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Iterable

from ..config import Settings
from ..model import Citation, Story
from ..store import Store

STAGE = "brief"  # the stage whose state holds the parts
PART = "part:"  # state key prefix: one row per story


class StoryParts:
    """The storyline picks of stories (``parts``: story id -> citations), read from and written to the store."""

    def __init__(self, store: Store, settings: Settings) -> None:
        """Parts of this store, made with these settings."""
        self.store = store
        self._settings = json.dumps(dataclasses.asdict(settings.brief), sort_keys=True, default=str)
        self.parts: dict[str, list[Citation]] = {}
        self._unsaved: dict[str, bytes | str] = {}

    def fingerprint(self, story: Story) -> str:
        """What a story's part is made from: its articles in order and the brief settings."""
        text = json.dumps([story.articles, self._settings])
        return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()

    def load(self, stories: Iterable[Story]) -> None:
        """Read the stored parts of these stories that are still what they would be made now."""
        want = {s.id: s for s in stories if s.id not in self.parts}
        for key, value in self.store.get_states(STAGE, [PART + sid for sid in want]).items():
            story = want[key[len(PART):]]
            data = json.loads(value)
            if data.get("fingerprint") == self.fingerprint(story):
                self.parts[story.id] = [Citation.from_dict(c) for c in data["citations"]]

    def keep(self, story: Story, citations: list[Citation]) -> None:
        """Remember a story's part (written by :meth:`save`)."""
        self.parts[story.id] = citations
        self._unsaved[PART + story.id] = json.dumps(
            {"fingerprint": self.fingerprint(story), "citations": [c.to_dict() for c in citations]})

    def save(self) -> None:
        """Write the parts kept since the last save."""
        if self._unsaved:
            self.store.put_state(STAGE, self._unsaved)
            self._unsaved = {}
