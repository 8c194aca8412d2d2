"""Data check of the labelled corpora the benches score against, and of the shipped demo input.

Usage: python bench/check_data.py [--data DIR] [--demo DIR]   (defaults: bench/data, examples/demo)

The shape of these files is data, not code, so it is checked here and not by a test per line: every line of
`labeled.jsonl` is JSON with the keys the benches read, ids follow the stream order, the stories have the sizes
and the hard cases `bench/data/README.md` promises, the references are written in their own words, the demo
labels are honest about copies and noise, and `examples/demo` is byte for byte what `examples/build_demo.py`
makes. Prints one line per check (`ok` or `FAIL` with what is wrong) and exits 1 when any check fails.
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
import re
import sys
import tempfile
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from types import ModuleType
from typing import Any

from storyline.model import Article, Paragraph

REPO = Path(__file__).resolve().parent.parent
Row = dict[str, Any]

# -- the labeled corpus (bench/data/labeled.jsonl, references.jsonl) --------------------------------------------
KEYS = {"id", "story", "storyline", "url", "outlet", "title", "text", "published", "event_date", "flags",
        "duplicate_of"}  # fmt: skip
FLAGS = {"related_hard_negative", "paraphrase", "wire_copy", "syndicated_copy", "noisy", "late_followup",
         "suspect_published_date"}  # fmt: skip
ARTICLES = (90, 120)  # about a hundred articles: enough stories to score clustering, small enough to read
MIN_STORIES, MIN_DISTRACTORS = 12, 10
MIN_STORY_ARTICLES = MIN_STORY_OUTLETS = 3  # a story is told several times, by several outlets
# Coverage of one event runs from the day itself to a late follow-up about three weeks on.
MAX_LAG_DAYS = 21
UNDATED = (3, 10)  # a few undated pages, as real scrapes have
MIN_SPAN_DAYS = 150  # the corpus spreads over about six months
ARTICLE_WORDS = (100, 250)
MIN_COPIES = 3
COPY_RUN_SHARE = 0.5  # a syndicated copy shares over half of its original's five-word runs
MIN_NOISY, MIN_PARAPHRASES = 1, 30
MIN_HARD_STORIES, MIN_HARD_DISTRACTORS = 8, 5  # four related-but-different pairs, five look-alike distractors
MIN_LINKED_STORYLINES = 4
# A reference is a short wire-style summary; the brief bench compares it with a 120-word budget.
REF_WORDS = (60, 110)
# Ten-word runs shared with an article would mean a copied lead, not a summary in the editor's own words.
COPY_RUN = 10

# -- the demo (examples/demo, bench/data/demo_labeled.jsonl, demo_references.jsonl) -------------------------------
# Every input format the ingest stage reads, by file name ending.
FORMATS = {"txt": ".txt", "html": ".html", "jsonl": ".jsonl", "rss": ".rss", "warc": ".warc.gz"}
DEMO_ARTICLES, DEMO_STORIES, DEMO_WORDS = (35, 45), (5, 6), (120, 350)
MIN_DEMO_STORY_ARTICLES, MIN_DEMO_OUTLETS = 5, 8
DEMO_COPIES, STITCH_SOURCES = (3, 4), (2, 3)
DEMO_REF_WORDS = (60, 120)
# What the demo pages carry so that every cleaning, extraction and agreement step has something to do.
NOISE = ("Related Articles", "Advertisement", "Share this", "(Photo by", " ...\n", "Dellaney",
         "Council President Marcus Delaney", "Metropolitan Transit Authority (MTA)", "injured 14", "injured 16",
         "1.2 million bottles", "1.4 million bottles")  # fmt: skip
QUOTE_MARKS = ("“", "”", "‘", "’", '"', "«")


class BadLine(Exception):
    """A line of a JSONL file that is not JSON."""


def load_jsonl(path: Path) -> list[Row]:
    """One dict per non-blank line; a bad line raises BadLine naming the file and line number."""
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError as exc:
            raise BadLine(f"{path.name} line {n} is not JSON: {exc}") from exc
    return rows


def load_module(path: Path) -> ModuleType:
    """Import a script by path (examples/ is not a package)."""
    spec = importlib.util.spec_from_file_location(path.stem, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot import {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@dataclass
class Data:
    """Everything the checks read, loaded once."""

    data: Path
    demo: Path
    articles: list[Row]
    references: list[Row]
    demo_labels: list[Row]
    demo_references: list[Row]
    by_story: dict[str, list[Row]] = field(default_factory=dict)

    @classmethod
    def load(cls, data: Path, demo: Path) -> Data:
        """Read the four JSONL files of ``data``."""
        loaded = cls(data, demo, load_jsonl(data / "labeled.jsonl"), load_jsonl(data / "references.jsonl"),
                     load_jsonl(data / "demo_labeled.jsonl"), load_jsonl(data / "demo_references.jsonl"))  # fmt: skip
        by_story: dict[str, list[Row]] = defaultdict(list)
        for a in loaded.articles:
            by_story[a["story"]].append(a)
        loaded.by_story = dict(by_story)
        return loaded

    @property
    def stories(self) -> list[str]:
        """The labelled stories of the corpus, distractors left out."""
        return sorted(s for s in self.by_story if not s.startswith("distractor"))

    @property
    def distractors(self) -> list[str]:
        """The one-article distractor stories."""
        return sorted(s for s in self.by_story if s.startswith("distractor"))


def runs(text: str, n: int) -> set[tuple[str, ...]]:
    """Every run of n consecutive lower-cased words."""
    w = re.findall(r"[a-z0-9$%.,'-]+", text.lower())
    return {tuple(w[i : i + n]) for i in range(len(w) - n + 1)}


def outside(value: int, bounds: tuple[int, int]) -> bool:
    """True when value is not within the inclusive bounds."""
    return not bounds[0] <= value <= bounds[1]


# -- checks of the labeled corpus: each yields what is wrong ----------------------------------------------------
def schema(d: Data) -> Iterator[str]:
    """Every article has the schema keys, an ev-NNN id, an https URL, an outlet, a title and known flags."""
    for a in d.articles:
        if missing := KEYS - set(a):
            yield f"{a.get('id')}: missing {sorted(missing)}"
            continue
        if not re.fullmatch(r"ev-\d{3}", a["id"]):
            yield f"{a['id']}: id is not ev-NNN"
        if not (a["url"].startswith("https://") and a["outlet"] and a["title"]):
            yield f"{a['id']}: needs an https url, an outlet and a title"
        if not isinstance(a["flags"], list) or not set(a["flags"]) <= FLAGS:
            yield f"{a['id']}: unknown flags {a['flags']}"


def stream_order(d: Data) -> Iterator[str]:
    """Ids are unique and sorted, and follow the order in which the articles appeared."""
    ids = [a["id"] for a in d.articles]
    if dupes := [i for i, n in Counter(ids).items() if n > 1]:
        yield f"ids used twice: {dupes}"
    if ids != sorted(ids):
        yield "ids are not sorted"
    arrival = [a["published"] or a["event_date"] for a in d.articles]
    if early := [d.articles[i]["id"] for i in range(1, len(arrival)) if arrival[i] < arrival[i - 1]]:
        yield f"appeared before the article listed ahead of them: {early}"


def sizes(d: Data) -> Iterator[str]:
    """About a hundred articles; a dozen stories of three or more outlets; one-article distractors."""
    if outside(len(d.articles), ARTICLES):
        yield f"{len(d.articles)} articles, expected {ARTICLES[0]}-{ARTICLES[1]}"
    if len(d.stories) < MIN_STORIES or len(d.distractors) < MIN_DISTRACTORS:
        yield f"{len(d.stories)} stories and {len(d.distractors)} distractors"
    if small := {s: len(d.by_story[s]) for s in d.stories if len(d.by_story[s]) < MIN_STORY_ARTICLES}:
        yield f"stories need >= {MIN_STORY_ARTICLES} articles: {small}"
    if big := [s for s in d.distractors if len(d.by_story[s]) != 1]:
        yield f"a distractor is its own one-article story: {big}"
    if few := [s for s in d.stories if len({a["outlet"] for a in d.by_story[s]}) < MIN_STORY_OUTLETS]:
        yield f"stories told by fewer than {MIN_STORY_OUTLETS} outlets: {few}"


def dates(d: Data) -> Iterator[str]:
    """Dates parse, an article is published within three weeks of its event, one event date per story."""
    for a in d.articles:
        event = date.fromisoformat(a["event_date"])
        if a["published"] is not None and "suspect_published_date" not in a["flags"]:
            lag = (date.fromisoformat(a["published"]) - event).days
            if not 0 <= lag <= MAX_LAG_DAYS:
                yield f"{a['id']}: published {lag} days after its event"
    if several := [s for s in d.stories if len({a["event_date"] for a in d.by_story[s]}) != 1]:
        yield f"stories with more than one event date: {several}"
    nulls = sum(a["published"] is None for a in d.articles)
    if outside(nulls, UNDATED):
        yield f"{nulls} undated articles, expected {UNDATED[0]}-{UNDATED[1]}"
    days = [date.fromisoformat(a["event_date"]) for a in d.articles]
    if days and (max(days) - min(days)).days < MIN_SPAN_DAYS:
        yield f"the events span {(max(days) - min(days)).days} days, expected >= {MIN_SPAN_DAYS}"


def texts(d: Data) -> Iterator[str]:
    """Texts are clean paragraphs split by one blank line, without the headline, read back whole as an Article."""
    for a in d.articles:
        text = a["text"]
        paras = text.split("\n\n")
        if not all(p and p.strip() == p for p in paras):
            yield f"{a['id']}: paragraphs are not separated by exactly one blank line"
        if a["title"] in text:
            yield f"{a['id']}: the headline is repeated in the text"
        if outside(n := len(text.split()), ARTICLE_WORDS):
            yield f"{a['id']}: {n} words, expected {ARTICLE_WORDS[0]}-{ARTICLE_WORDS[1]}"
        art = Article(id=a["id"], title=a["title"], paragraphs=[Paragraph(p) for p in paras], outlet=a["outlet"])
        if art.text != text:
            yield f"{a['id']}: the Article built from its paragraphs has another text"


def copies(d: Data) -> Iterator[str]:
    """Each syndicated copy points at a wire original of its story and repeats most of it."""
    by_id = {a["id"]: a for a in d.articles}
    found = [a for a in d.articles if a["duplicate_of"] is not None]
    if len(found) < MIN_COPIES:
        yield f"{len(found)} copies, expected >= {MIN_COPIES}"
    for a in found:
        original = by_id.get(a["duplicate_of"])
        if original is None or original["id"] == a["id"] or original["story"] != a["story"]:
            yield f"{a['id']}: duplicate_of is not another article of its story"
            continue
        if original["duplicate_of"] is not None:
            yield f"{a['id']}: points at another copy, not at the original"
        if "syndicated_copy" not in a["flags"] or "wire_copy" not in original["flags"]:
            yield f"{a['id']}: copy and original need the syndicated_copy and wire_copy flags"
        theirs = runs(original["text"], 5)
        if len(runs(a["text"], 5) & theirs) / max(len(theirs), 1) <= COPY_RUN_SHARE:
            yield f"{a['id']}: is not a near-verbatim copy of {original['id']}"


def hard_cases(d: Data) -> Iterator[str]:
    """Noisy pages, paraphrases, related-but-different pairs and look-alike distractors are all there."""
    flagged = Counter(f for a in d.articles for f in a["flags"])
    if flagged["noisy"] < MIN_NOISY or flagged["paraphrase"] < MIN_PARAPHRASES:
        yield f"{flagged['noisy']} noisy and {flagged['paraphrase']} paraphrase articles"
    hard = {a["story"] for a in d.articles if "related_hard_negative" in a["flags"]}
    if len(hard & set(d.stories)) < MIN_HARD_STORIES:
        yield f"{len(hard & set(d.stories))} stories in hard pairs, expected >= {MIN_HARD_STORIES}"
    if len(hard & set(d.distractors)) < MIN_HARD_DISTRACTORS:
        yield f"{len(hard & set(d.distractors))} hard distractors, expected >= {MIN_HARD_DISTRACTORS}"


def storylines(d: Data) -> Iterator[str]:
    """A hard pair is one storyline of two stories on different days; no distractor is linked."""
    storyline_of: dict[str, set[str]] = defaultdict(set)
    for a in d.articles:
        storyline_of[a["story"]].add(a["storyline"])
    if split := [s for s, lines in storyline_of.items() if len(lines) != 1]:
        yield f"stories with more than one storyline: {split}"
    members: dict[str, list[str]] = defaultdict(list)
    for story, lines in storyline_of.items():
        members[min(lines)].append(story)
    linked = {line: stories for line, stories in members.items() if len(stories) > 1}
    if len(linked) < MIN_LINKED_STORYLINES:
        yield f"{len(linked)} storylines of several stories, expected >= {MIN_LINKED_STORYLINES}"
    for line, stories in linked.items():
        if any(s.startswith("distractor") for s in stories):
            yield f"{line}: links a distractor"
        if len({a["event_date"] for a in d.articles if a["storyline"] == line}) != len(stories):
            yield f"{line}: its stories are not different events on different days"


def references(d: Data) -> Iterator[str]:
    """One reference per story, 60-110 words, with no ten-word run copied from the story's articles."""
    refs = {r["story"]: r["summary"] for r in d.references}
    if len(refs) != len(d.references):
        yield "a story has more than one reference"
    if sorted(refs) != d.stories:
        yield f"references and stories differ: {sorted(set(refs) ^ set(d.stories))}"
    for story, summary in refs.items():
        if outside(n := len(summary.split()), REF_WORDS):
            yield f"{story}: reference of {n} words, expected {REF_WORDS[0]}-{REF_WORDS[1]}"
        articles = d.by_story.get(story, [])
        copied = set().union(*(runs(a["text"], COPY_RUN) for a in articles)) & runs(summary, COPY_RUN)
        if copied:
            yield f"{story}: reference copies {' '.join(sorted(copied)[0])!r}"


# -- checks of the demo -------------------------------------------------------------------------------------------
def _warc_records(path: Path) -> list[tuple[dict[str, str], bytes]]:
    """Decoded WARC records: (record headers, content) each (gzip bytes may differ, records may not)."""
    from warcio.archiveiterator import ArchiveIterator

    with path.open("rb") as fh:
        return [(dict(rec.rec_headers.headers), rec.content_stream().read()) for rec in ArchiveIterator(fh)]


def _same_file(a: Path, b: Path) -> bool:
    """Same content; a WARC compares by its records."""
    if a.name.endswith(".warc.gz"):
        return _warc_records(a) == _warc_records(b)
    return a.read_bytes() == b.read_bytes()


def demo_is_built(d: Data) -> Iterator[str]:
    """examples/demo and demo_labeled.jsonl are what examples/build_demo.py makes (no file edited by hand)."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        load_module(REPO / "examples" / "build_demo.py").build(root)
        built_dir = root / "examples" / "demo"
        built, shipped = {p.name for p in built_dir.iterdir()}, {p.name for p in d.demo.iterdir()}
        if built != shipped:
            yield f"files differ: only built {sorted(built - shipped)}, only shipped {sorted(shipped - built)}"
        for name in sorted(built & shipped):
            if not _same_file(d.demo / name, built_dir / name):
                yield f"{name} differs: run python examples/build_demo.py"
        labels = (root / "bench" / "data" / "demo_labeled.jsonl").read_text(encoding="utf-8")
        if (d.data / "demo_labeled.jsonl").read_text(encoding="utf-8") != labels:
            yield "demo_labeled.jsonl differs: run python examples/build_demo.py"


def demo_inputs(d: Data) -> Iterator[str]:
    """examples/demo holds only pipeline input (no labels, no README), in every format ingest reads."""
    names = [p.name for p in d.demo.iterdir()]
    if stray := [n for n in names if n.lower().startswith("readme") or "label" in n or "reference" in n]:
        yield f"not pipeline input: {stray}"
    for fmt, ending in FORMATS.items():
        if not any(n.endswith(ending) for n in names):
            yield f"no {fmt} file"
    for warc in d.demo.glob("*.warc.gz"):
        with gzip.open(warc) as fh:
            if fh.read(9) != b"WARC/1.0\r":
                yield f"{warc.name} is not a gzipped WARC/1.0 file"


def demo_counts(d: Data) -> Iterator[str]:
    """About 40 articles in 5-6 stories of 5 or more, from 8 or more outlets, 120-350 words each, every format."""
    labels = d.demo_labels
    if outside(len(labels), DEMO_ARTICLES) or len({a["id"] for a in labels}) != len(labels):
        yield f"{len(labels)} articles (ids unique?), expected {DEMO_ARTICLES[0]}-{DEMO_ARTICLES[1]}"
    stories = Counter(a["story"] for a in labels)
    if outside(len(stories), DEMO_STORIES) or min(stories.values(), default=0) < MIN_DEMO_STORY_ARTICLES:
        yield f"stories and their sizes: {dict(stories)}"
    if len({a["outlet"] for a in labels}) < MIN_DEMO_OUTLETS:
        yield f"{len({a['outlet'] for a in labels})} outlets, expected >= {MIN_DEMO_OUTLETS}"
    for a in labels:
        if outside(n := len(a["text"].split()), DEMO_WORDS):
            yield f"{a['id']}: {n} words, expected {DEMO_WORDS[0]}-{DEMO_WORDS[1]}"
    if (formats := {a["format"] for a in labels}) != set(FORMATS):
        yield f"formats {sorted(formats)}, expected {sorted(FORMATS)}"


def demo_copies(d: Data) -> Iterator[str]:
    """A copy has its wire original's story and a new title; the stitched page's paragraphs are its sources'."""
    labels = d.demo_labels
    by_id = {a["id"]: a for a in labels}
    found = [a for a in labels if "syndicated_copy" in a["flags"]]
    if outside(len(found), DEMO_COPIES):
        yield f"{len(found)} copies, expected {DEMO_COPIES[0]}-{DEMO_COPIES[1]}"
    for copy in found:
        original = by_id.get(copy["duplicate_of"])
        if original is None or copy["story"] != original["story"] or copy["title"] == original["title"]:
            yield f"{copy['id']}: not a retitled copy of an article of its story"
        elif "wire_original" not in original["flags"]:
            yield f"{copy['id']}: its original {original['id']} is not flagged wire_original"
    stitched = [a for a in labels if "stitched" in a["flags"]]
    if len(stitched) != 1:
        yield f"{len(stitched)} stitched pages, expected 1"
    yield from (problem for page in stitched for problem in _stitched(page, by_id))


def _stitched(page: Row, by_id: dict[str, Row]) -> Iterator[str]:
    """A stitched page reuses most of its paragraphs, word for word, from 2-3 earlier articles."""
    paragraphs = page["text"].split("\n\n")
    sources = {r["article"] for r in page["reused_from"]}
    if outside(len(sources), STITCH_SOURCES) or len(page["reused_from"]) <= len(paragraphs) / 2:
        yield f"{page['id']}: reuses {len(page['reused_from'])} of {len(paragraphs)} paragraphs from {sorted(sources)}"
    for ref in page["reused_from"]:
        source = by_id[ref["article"]]
        if paragraphs[ref["paragraph"]] != source["text"].split("\n\n")[ref["source_paragraph"]]:
            yield f"{page['id']}: paragraph {ref['paragraph']} is not {source['id']}'s {ref['source_paragraph']}"
        if not source["published"] < page["published"]:
            yield f"{page['id']}: its source {source['id']} is not earlier"


def demo_flags(d: Data) -> Iterator[str]:
    """Exactly the flagged article is undated, Spanish or carries the off-topic (football) paragraph."""
    labels = d.demo_labels
    undated = [a["id"] for a in labels if a["published"] is None]
    if undated != [a["id"] for a in labels if "no_date" in a["flags"]] or len(undated) != 1:
        yield f"undated {undated} must be the one article flagged no_date"
    if (langs := [a["language"] for a in labels if "non_english" in a["flags"]]) != ["es"]:
        yield f"non_english articles in {langs}, expected one in es"
    off = [a for a in labels if "off_topic_paragraph" in a["flags"]]
    if len(off) != 1 or "football" not in off[0]["text"].split("\n\n")[off[0]["off_topic"][0]]:
        yield "one article has an off-topic football paragraph, labelled by its index"


def _decode(data: bytes) -> str:
    """UTF-8, else the single-byte encoding a few demo pages use on purpose (Latin-1, cp1252)."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252")


def demo_noise(d: Data) -> Iterator[str]:
    """Boilerplate, a misspelt name, an acronym, conflicting figures and every quote mark are in the inputs."""
    files = [p.read_bytes() for p in d.demo.iterdir() if not p.name.endswith(".gz")]
    files += [body for warc in d.demo.glob("*.warc.gz") for _, body in _warc_records(warc)]
    text = "\n".join(_decode(data) for data in files)
    if missing := [needle for needle in (*NOISE, *QUOTE_MARKS) if needle not in text]:
        yield f"not in any input: {missing}"


def demo_references(d: Data) -> Iterator[str]:
    """One 60-120 word reference summary per demo story."""
    if sorted(r["story"] for r in d.demo_references) != sorted({a["story"] for a in d.demo_labels}):
        yield "references and stories differ"
    for ref in d.demo_references:
        if outside(n := len(ref["summary"].split()), DEMO_REF_WORDS):
            yield f"{ref['story']}: reference of {n} words"


def demo_conflicts(d: Data) -> Iterator[str]:
    """Each conflict of examples/demo_source.py has two values, each stated in exactly the articles it names."""
    conflicts = load_module(REPO / "examples" / "demo_source.py").CONFLICTS
    if not conflicts:
        yield "no conflict written into the demo"
    for conflict in conflicts:
        story = [a for a in d.demo_labels if a["story"] == conflict["story"]]
        if len({r["value"] for r in conflict["reports"]}) < 2:  # a conflict is two values or more
            yield f"{conflict['subject']}: one value only"
        for report in conflict["reports"]:
            stating = sorted(a["id"] for a in story if report["text"].lower() in a["text"].lower())
            if stating != sorted(report["articles"]):
                yield f"{report['text']!r} is stated in {stating}, not in {sorted(report['articles'])}"


CHECKS: list[tuple[str, Callable[[Data], Iterator[str]]]] = [
    ("labeled: schema keys and types", schema),
    ("labeled: ids unique and in stream order", stream_order),
    ("labeled: corpus size and story counts", sizes),
    ("labeled: dates parse and hang together", dates),
    ("labeled: texts are clean paragraphs without the headline", texts),
    ("labeled: copies point at an original of their story", copies),
    ("labeled: hard cases are present", hard_cases),
    ("labeled: hard pairs are one storyline of two stories", storylines),
    ("labeled: one reference per story, in new words", references),
    ("demo: shipped files are what examples/build_demo.py makes", demo_is_built),
    ("demo: only pipeline input, in every format", demo_inputs),
    ("demo: counts of articles, stories and outlets", demo_counts),
    ("demo: copies and the stitched page are labelled honestly", demo_copies),
    ("demo: undated, Spanish and off-topic labels", demo_flags),
    ("demo: the noise of the real web is in the inputs", demo_noise),
    ("demo: one reference per story", demo_references),
    ("demo: designed conflicts are stated where the source says", demo_conflicts),
]


def run_checks(d: Data) -> int:
    """Print one line per check and return how many failed."""
    failed = 0
    for name, check in CHECKS:
        try:
            problems = list(check(d))
        except (KeyError, TypeError, ValueError, IndexError, AttributeError) as exc:  # a missing or mistyped field
            problems = [f"stopped at {type(exc).__name__}: {exc}"]
        print(f"{'FAIL' if problems else 'ok  '} {name}")
        for problem in problems:
            print(f"       {problem}")
        failed += bool(problems)
    return failed


def main(argv: list[str] | None = None) -> int:
    """Check the data; 0 when every check passes, 1 otherwise."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=REPO / "bench" / "data", help="folder of the JSONL files")
    parser.add_argument("--demo", type=Path, default=REPO / "examples" / "demo", help="the shipped demo inputs")
    args = parser.parse_args(argv)
    try:
        data = Data.load(args.data, args.demo)
    except (BadLine, OSError) as exc:
        print(f"FAIL reading the data: {exc}")
        return 1
    failed = run_checks(data)
    total = (len(data.articles), len(data.references), len(data.demo_labels), len(data.demo_references))
    print(f"{len(CHECKS) - failed}/{len(CHECKS)} checks passed on {total[0]} labeled articles, {total[1]} references, "
          f"{total[2]} demo articles and {total[3]} demo references")  # fmt: skip
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
