"""Acceptance checks on the five real sample articles: every issue's "Done when" items, as pass/fail lines.

Usage: python bench/samples.py [SAMPLES_DIR]   (default ../shared/samples)

Runs the real pipeline (ingest -> clean -> dedupe -> nlp -> stories -> extract -> timeline -> brief) on the
samples plus a copy of sample 004 made at run time with a new headline and two changed sentences (the dedupe
check), then prints one line per check and the count passed. Nothing of the samples is stored in the repo.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import tempfile
from pathlib import Path

from storyline import extract, pipeline
from storyline.config import Settings
from storyline.model import Article, Story
from storyline.store import Store

REPO = Path(__file__).resolve().parent.parent


def make_copy(src: Path, dst: Path) -> None:
    """Write a copy of a sample with a new headline and two of its sentences changed."""
    lines = src.read_text(encoding="utf-8").split("\n")
    lines[0] = "Justice Department widens sanctuary city crackdown"
    body = "\n".join(lines[1:])
    sentences = re.split(r"(?<=[.!?])\s+", body)
    changed = 0
    for i, s in enumerate(sentences):
        if len(s.split()) > 12 and changed < 2:
            sentences[i] = s.replace(" the ", " this ", 1).replace(" said", " stated", 1)
            changed += 1
    dst.write_text(lines[0] + "\n" + " ".join(sentences), encoding="utf-8")


def main() -> int:
    """Run the checks; exit 0 when all pass."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("samples", nargs="?", default=str(REPO.parent / "shared" / "samples"))
    args = parser.parse_args()
    samples = Path(args.samples)
    work = Path(tempfile.mkdtemp())
    for f in sorted(samples.glob("0*.txt")):
        shutil.copy(f, work / f.name)
    make_copy(samples / next(p.name for p in sorted(samples.glob("004_*.txt"))), work / "copy_of_004.txt")

    settings = Settings.load()
    checks: list[tuple[str, bool, str]] = []

    def check(name: str, ok: bool, detail: str = "") -> None:
        checks.append((name, bool(ok), detail))

    with Store(":memory:") as store:
        report = pipeline.ingest_paths([str(work)], store, settings)
        pipeline.analyse(pipeline.RunContext(store, settings, new_ids=report.new))
        arts = {Path(a.source.path).name[:3] if a.source else a.id: a for a in store.iter_articles()}
        stories = list(store.iter_stories())
        storylines = list(store.iter_storylines())

        def art(prefix: str) -> Article:
            return arts[prefix]

        def story_of(prefix: str) -> Story:
            return next(s for s in stories if art(prefix).id in s.articles)

        # issue 2: foundation
        check("ingest: 6 inputs read, none failed", report.read == 6 and report.failed == 0,
              f"read {report.read}, failed {report.failed}")
        check("headline of 001", art("001").title.startswith("Department of Justice Threatens"), art("001").title)
        every_text = "\n".join(a.text for a in arts.values())
        for phrase in ("Getty Images", "Can't see the video below?", "Related Articles", "Latest News"):
            check(f"boilerplate gone: {phrase!r}", phrase not in every_text)
        title0 = art("000").title
        check("000: repeated title lines gone", title0 not in art("000").text, f"{art('000').text.count(title0)} left")
        football = [p for p in art("002").paragraphs if "Liverpool" in p.text or "kickoff" in p.text]
        check("002: football paragraph flagged off_topic",
              bool(football) and all("off_topic" in p.flags for p in football))
        check("001: byline parsed", art("001").byline == "Alfonso Serrano", str(art("001").byline))
        check("001: date line parsed", art("001").published == "2018-01-25", str(art("001").published))

        # issue 3: dedupe
        originals = [art(p) for p in ("000", "001", "002", "003", "004")]
        check("dedupe: the edited copy is found", art("cop").duplicate_of == art("004").id,
              str(art("cop").duplicate_of))
        check("dedupe: no original marked a duplicate", not any(a.duplicate_of for a in originals))

        # issue 4: stories
        check("stories: 001 and 004 together", story_of("001").id == story_of("004").id)
        check("stories: 000 apart from them", story_of("000").id != story_of("001").id)

        # issue 5: extract
        sessions = [e for e in extract.corpus_entities(store) if e.name.endswith("Sessions")]
        check("extract: Sessions one entity across all five",
              len(sessions) == 1 and all(a.id in sessions[0].articles for a in originals),
              f"{len(sessions)} entities: {[e.name for e in sessions]}")
        # issue 12: in every story of the five samples that names him, "Sessions" is the one Jeff Sessions
        named = [s for s in stories if any(a.id in s.articles and "Sessions" in a.text for a in originals)]
        odd = {s.id: [e.name for e in s.entities if "Sessions" in e.name or "Sessions" in e.aliases]
               for s in named}
        check("extract: 'Sessions' in every sample story is Jeff Sessions",
              bool(named) and all(names == ["Jeff Sessions"] for names in odd.values()), str(odd))
        urge = [q for q in art("001").quotes if q.text.startswith("I continue to urge")]
        check("extract: 'I continue to urge' attributed to Sessions",
              bool(urge) and "Sessions" in (urge[0].speaker_name or ""), urge[0].speaker_name if urge else "no quote")
        figs = {f.text for a in originals for f in a.figures}
        check("extract: $39 million is a figure", any("$39 million" in f for f in figs))
        check("extract: 23 jurisdictions is a figure", any(f.startswith("23") for f in figs))
        wed = [d for d in art("001").dates if "Wednesday" in d.text]
        check("extract: Wednesday (January 24) -> 2018-01-24", any(d.value == "2018-01-24" for d in wed),
              str([d.value for d in wed]))
        line = next((sl for sl in storylines if story_of("001").id in sl.stories), None)
        dates = sorted(e.date for e in (line.timeline if line else story_of("001").timeline))
        check("timeline: storyline runs from March 2017 to January 2018",
              bool(dates) and dates[0][:7] <= "2017-03" and dates[-1][:7] == "2018-01", f"{dates[:1]} .. {dates[-1:]}")

        # issue 6: brief
        jan = story_of("001")
        brief = " ".join(c.text for c in jan.summary)
        cited = {s for c in jan.summary for s in c.sources}
        check("brief: Jan 2018 story mentions 23 jurisdictions", "23 jurisdictions" in brief)
        check("brief: Jan 2018 story mentions subpoenas", "subpoena" in brief)
        check("brief: cites both 001 and 004", {art("001").id, art("004").id} <= cited)
        all_briefs = " ".join(c.text for s in stories for c in s.summary)
        check("brief: no football, Getty Images or questions",
              "Liverpool" not in all_briefs and "Getty" not in all_briefs
              and not any(c.text.rstrip().endswith("?") for s in stories for c in s.summary))

    shutil.rmtree(work, ignore_errors=True)
    width = max(len(n) for n, _, _ in checks)
    for name, ok, detail in checks:
        print(f"{'PASS' if ok else 'FAIL'}  {name:<{width}}  {detail if not ok else ''}")
    passed = sum(ok for _, ok, _ in checks)
    print(f"{passed} passed, {len(checks) - passed} failed")
    return 0 if passed == len(checks) else 1


if __name__ == "__main__":
    sys.exit(main())
