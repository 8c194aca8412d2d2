"""The follower: poll the due sources, fetch the pages they list, hand them to ingest and analysis.

One round (:meth:`Follower.run_round`) polls every source whose next poll is due (conditionally: an unchanged
feed costs one 304), records the entries it lists, fetches every page due (new ones, those the source says
were updated, and failed ones whose back-off has run out), stores each page through
:func:`storyline.pipeline.ingest_pages` in the same transaction as its fetch state, then runs
:func:`storyline.pipeline.analyse` over the new articles. Everything learned is in the store the moment it is
learned, so a follow killed at any point resumes where it was without fetching anything twice.

Fetches run on a thread pool of ``concurrency`` workers; a page goes to a worker only when its host may be asked
(see :meth:`Follower._fetch_pages`), so a slow or broken host holds at most ``per_host`` workers, never the
others. Only the calling thread writes to the store.
"""

from __future__ import annotations

import math
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, as_completed, wait
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .. import pipeline
from ..config import Settings
from ..errors import InputError
from ..model import Rejected
from ..store import Store
from .fetch import Fetched, Fetcher
from .listings import Entry, gunzip, read_feed, read_sitemap
from .sources import SourceSpec
from .urls import canonical_link, host_key, is_web_url, normal_url

if TYPE_CHECKING:
    from ..text.parser import NLP

# The longest sleep between two checks of the stop flag and the clock while waiting for the next due poll.
IDLE_STEP = 60.0


@dataclass
class RoundReport:
    """What one round did."""

    polled: int = 0  # sources polled
    unchanged: int = 0  # of which answered 304 Not Modified
    listed: int = 0  # page URLs queued (new, or updated at the source)
    fetched: int = 0  # pages fetched with a 200
    new: list[str] = field(default_factory=list)  # articles stored
    updated: list[str] = field(default_factory=list)  # of which new versions of a stored page
    failed: list[Rejected] = field(default_factory=list)  # pages and sources given up (reported)
    retrying: int = 0  # pages left for a later try (back-off, Retry-After)
    forbidden: int = 0  # pages robots.txt forbids
    analysed: int = 0  # articles analysed this round
    stopped: bool = False  # the round ended early on a stop request


@dataclass
class _Poll:
    """A source's poll: what the fetch gave, and the entries it lists (a sitemap index's children too)."""

    fetched: Fetched
    entries: list[Entry] = field(default_factory=list)
    error: str = ""


class Follower:
    """Follow the sources kept in a store.

    Example:
        >>> from storyline.store import Store
        >>> with Store(":memory:") as store:                                  # doctest: +SKIP
        ...     follower = Follower(store, Settings.load())
        ...     follower.add_source(SourceSpec("https://gazette.example/rss"))
        ...     report = follower.run_round()
    """

    def __init__(self, store: Store, settings: Settings, fetcher: Fetcher | None = None,
                 clock: Callable[[], float] = time.time, analyse: bool = True) -> None:
        self.store, self.settings, self.clock, self.analyse = store, settings, clock, analyse
        self.follow = settings.follow
        self.fetcher = fetcher or Fetcher(settings.follow)
        self._stop = threading.Event()
        self._nlp: NLP | None = None  # the spaCy pipeline, loaded by the first analysis and kept for the next rounds

    # -- control --------------------------------------------------------------------------------------------
    def stop(self) -> None:
        """Ask the follower to stop: the page in hand is stored, nothing new is fetched (signal-safe)."""
        self._stop.set()

    @property
    def stopping(self) -> bool:
        """True once :meth:`stop` was called."""
        return self._stop.is_set()

    def add_source(self, spec: SourceSpec) -> bool:
        """Follow a source (True when it is new); a known one keeps its poll state."""
        return self.store.add_source(normal_url(spec.url), spec.kind, spec.interval, spec.name)

    def add_urls(self, urls: Iterable[str], source: str | None = None) -> int:
        """Queue page URLs to fetch once; returns how many were new."""
        normal = dict.fromkeys(normal_url(x) for x in urls if is_web_url(x.strip()))
        entries = [(u, None, Entry(u).to_json()) for u in normal]
        return len(self.store.add_pages(source, entries, self.clock()))

    def run(self, once: bool = False, max_rounds: int | None = None,
            on_round: Callable[[RoundReport], Any] | None = None) -> list[RoundReport]:
        """Run rounds until stopped (``once``: one round); between rounds, sleep until something is due."""
        reports: list[RoundReport] = []
        try:
            while not self.stopping:
                report = self.run_round()
                reports.append(report)
                if on_round is not None:
                    on_round(report)
                if once or (max_rounds is not None and len(reports) >= max_rounds):
                    break
                self._stop.wait(min(IDLE_STEP, max(0.0, self.next_due() - self.clock())))
        finally:
            self.fetcher.close()
        return reports

    def next_due(self) -> float:
        """When the next source poll or page try is due (the clock's time; far ahead when nothing is)."""
        times = [s["next_poll"] for s in self.store.sources()]
        page = self.store.next_page_try()
        if page is not None:
            times.append(page)
        return min(times, default=self.clock() + IDLE_STEP)

    # -- one round ------------------------------------------------------------------------------------------
    def run_round(self) -> RoundReport:
        """Poll the due sources, fetch the due pages, store and analyse what is new."""
        report = RoundReport()
        self._poll_sources(report)
        if not self.stopping:
            self._fetch_pages(report)
        report.stopped = self.stopping
        if self.analyse and not self.stopping:
            report.analysed = self.analyse_stored()
        return report

    def analyse_stored(self) -> int:
        """Run the analysis over the articles the follower stored and did not analyse yet; returns how many."""
        ids = self.store.unanalysed()  # this round's, and any a stopped or killed run left
        if ids:
            ctx = pipeline.RunContext(self.store, self.settings, new_ids=ids, _nlp=self._nlp)
            pipeline.analyse(ctx)
            self._nlp = ctx._nlp
            self.store.mark_analysed(ids)
        return len(ids)

    def _poll_sources(self, report: RoundReport) -> None:
        due = self.store.due_sources(self.clock())
        if not due:
            return
        with ThreadPoolExecutor(max_workers=self.follow.concurrency, thread_name_prefix="poll") as pool:
            futures = {pool.submit(self._poll, src): src for src in due}
            for fut in as_completed(futures):
                self._record_poll(futures[fut], fut.result(), report)

    def _poll(self, src: dict[str, Any]) -> _Poll:
        """Fetch a source (conditionally) and read its entries; runs on a worker thread, never writes."""
        try:
            return self._read_source(src)
        except Exception as exc:  # noqa: BLE001 - a parser bug on one source must not end the round
            return _Poll(Fetched(src["url"], "network"), error=f"could not read: {type(exc).__name__}: {exc}")

    def _read_source(self, src: dict[str, Any]) -> _Poll:
        got = self.fetcher.fetch(src["url"], src["etag"], src["last_modified"])
        poll = _Poll(got)
        if got.kind != "ok":
            return poll
        try:
            if src["kind"] == "feed":
                poll.entries = read_feed(got.body, got.final_url)
                return poll
            entries, children = read_sitemap(gunzip(got.body, self.follow.max_bytes), got.final_url)
            for child in children[: self.follow.max_sitemaps]:
                sub = self.fetcher.fetch(child)
                if sub.kind == "ok":
                    entries += read_sitemap(gunzip(sub.body, self.follow.max_bytes), sub.final_url)[0]
            poll.entries = entries
        except InputError as exc:
            poll.error = exc.problem
        return poll

    def _record_poll(self, src: dict[str, Any], poll: _Poll, report: RoundReport) -> None:
        """Write a poll's entries and the source's new state in one transaction."""
        now, got, url = self.clock(), poll.fetched, src["url"]
        report.polled += 1
        if got.kind == "deferred":
            self.store.update_source(url, next_poll=now + (got.retry_after or self.follow.backoff))
            return
        if got.kind in ("ok", "not_modified") and not poll.error:
            with self.store.transaction():
                if got.kind == "ok":
                    rows = [(e.url, e.updated, e.to_json()) for e in poll.entries]
                    report.listed += len(self.store.add_pages(url, rows, now))
                    self.store.update_source(url, etag=got.etag, last_modified=got.last_modified, status="ok")
                else:
                    report.unchanged += 1
                    self.store.update_source(url, status="unchanged")
                self.store.update_source(url, last_poll=now, next_poll=now + src["interval"], failures=0,
                                         last_error=None)
            return
        failures = src["failures"] + 1
        error = poll.error or got.error
        status = "failing" if failures >= self.follow.fail_after else "error"
        if failures < self.follow.fail_after:  # retried soon, with back-off
            wait = self.follow.backoff * 2 ** (failures - 1)
        else:  # marked failing: polled less often, down to once per backoff_max
            wait = src["interval"] * 2 ** (failures - self.follow.fail_after + 1)
        wait = min(max(wait, got.retry_after or 0.0), self.follow.backoff_max)
        with self.store.transaction():
            self.store.update_source(url, last_poll=now, next_poll=now + wait, status=status, failures=failures,
                                     last_error=error)
            if failures == self.follow.fail_after:
                rejected = Rejected(url, "follow", f"source failing after {failures} polls: {error}")
                self.store.add_rejected([rejected])
                report.failed.append(rejected)

    def _fetch_pages(self, report: RoundReport) -> None:
        """Fetch the due pages, each host at its own pace; store each page as it arrives (this thread only).

        A page is handed to a worker only when its host may be asked now (fewer than ``per_host`` requests in
        flight, its delay since the last one passed, no Retry-After running), so no worker sleeps on a host's
        account and a slow host never holds more than ``per_host`` of them. At most ``concurrency`` pages are
        fetched and not yet stored: all a kill can lose.
        """
        queues: dict[str, deque[dict[str, Any]]] = defaultdict(deque)
        for row in self.store.due_pages(self.clock(), self.follow.max_pages):
            queues[host_key(row["url"])].append(row)
        running: dict[Future[Fetched], tuple[str, dict[str, Any]]] = {}
        busy: dict[str, int] = defaultdict(int)
        with ThreadPoolExecutor(max_workers=self.follow.concurrency, thread_name_prefix="fetch") as pool:
            while running or (queues and not self.stopping):
                wait_for = self._dispatch(queues, running, busy, pool, report)
                if not running:  # every host with pages waits for its delay (or nothing is left)
                    if queues and wait_for is not None:
                        self._stop.wait(wait_for)
                    continue
                done, _ = wait(running, timeout=wait_for, return_when=FIRST_COMPLETED)
                for fut in done:
                    host, row = running.pop(fut)
                    busy[host] -= 1
                    try:  # stored even when stopping: the page in hand is finished, never fetched twice
                        self._record_page(row, fut.result(), report)
                    except BaseException:
                        self._stop.set()  # nothing more is handed out; what is in flight finishes
                        raise

    def _dispatch(self, queues: dict[str, deque[dict[str, Any]]], running: dict[Future[Fetched], tuple[str, Any]],
                  busy: dict[str, int], pool: ThreadPoolExecutor, report: RoundReport) -> float | None:
        """Hand out the pages whose host may be asked now; returns how long until the next host may be."""
        now, soonest = time.monotonic(), None
        for host in list(queues):
            if self.stopping or len(running) >= self.follow.concurrency:
                break
            state = self.fetcher.host(host)
            if state.blocked_until > now:  # a Retry-After runs: the host's pages wait for a later round
                left = state.blocked_until - now
                for row in queues.pop(host):
                    self._record_page(row, Fetched(row["url"], "deferred", retry_after=left), report)
                continue
            if busy[host] >= self.follow.per_host:
                continue
            if state.next_start > now:
                soonest = min(soonest or math.inf, state.next_start - now)
                continue
            row = queues[host].popleft()
            if not queues[host]:
                del queues[host]
            busy[host] += 1
            running[pool.submit(self._fetch, row)] = (host, row)
        return soonest  # None: nothing to wait for but the pages in flight

    def _fetch(self, row: dict[str, Any]) -> Fetched:
        """Fetch one page; a bug below is a failed attempt (retried, then reported), never a lost lane."""
        try:
            return self.fetcher.fetch(row["url"], row["etag"], row["last_modified"])
        except Exception as exc:  # noqa: BLE001 - one odd page must not stop its host's other pages
            return Fetched(row["url"], "network", error=f"could not fetch: {type(exc).__name__}: {exc}")

    def _record_page(self, row: dict[str, Any], got: Fetched, report: RoundReport) -> None:
        """Store a fetched page with its fetch state (one transaction), or schedule a retry, or give up."""
        now, url = self.clock(), row["url"]
        if got.kind == "ok":
            self._store_page(row, got, report)
        elif got.kind == "not_modified":
            self.store.set_page(url, status="stored", attempts=0, error=None, fetched_at=now)
        elif got.kind == "forbidden":
            report.forbidden += 1
            self.store.set_page(url, status="forbidden", error=got.error, fetched_at=now)
        elif got.kind == "deferred":
            report.retrying += 1
            self.store.set_page(url, next_try=now + (got.retry_after or self.follow.backoff))
        else:
            self._failed_page(row, got, report)

    def _failed_page(self, row: dict[str, Any], got: Fetched, report: RoundReport) -> None:
        """Back off a failed page, or give it up and report it when the failure is permanent or retries are spent."""
        now, url = self.clock(), row["url"]
        attempts = row["attempts"] + 1
        if got.transient and attempts < self.follow.retries:
            report.retrying += 1
            wait = min(self.follow.backoff * 2 ** (attempts - 1), self.follow.backoff_max)
            wait = max(wait, got.retry_after or 0.0)
            self.store.set_page(url, attempts=attempts, next_try=now + wait, error=got.error)
            return
        tries = f" after {attempts} attempts" if got.transient else ""
        rejected = Rejected(url, "follow", f"{got.error}{tries}")
        report.failed.append(rejected)
        with self.store.transaction():
            # a stored page whose refresh fails keeps its stored version
            self.store.set_page(url, status="stored" if row["article"] else "failed", attempts=attempts,
                                error=rejected.reason, fetched_at=now)
            self.store.add_rejected([rejected])

    def _store_page(self, row: dict[str, Any], got: Fetched, report: RoundReport) -> None:
        """Ingest a page under its canonical URL, in the same transaction as its fetch state and version."""
        now, url = self.clock(), row["url"]
        report.fetched += 1
        canonical = canonical_link(got.body, got.final_url) or normal_url(got.final_url)
        known = self.store.page(canonical) if canonical != url else None
        state: dict[str, Any] = {"etag": got.etag, "last_modified": got.last_modified, "attempts": 0, "error": None,
                                 "fetched_at": now}
        if known is not None and known["status"] == "stored" and not row["article"]:
            self.store.set_page(url, status="alias", article=known["article"], **state)  # one article, two URLs
            return
        entry = Entry.from_json(row["entry"], url)
        page = pipeline.Page(got.body, canonical, got.charset, entry.title, entry.published, entry.byline, entry.guid,
                             updates=row["article"])
        with self.store.transaction():
            ingested = pipeline.ingest_pages([page], self.store, self.settings)
            stored = ingested.new or ingested.existing
            article = stored[0] if stored else None
            if ingested.new:
                self.store.mark_unanalysed(ingested.new)
                self.store.add_version(canonical, ingested.new[0], now)
                report.new += ingested.new
                if row["article"] and row["article"] != ingested.new[0]:
                    report.updated += ingested.new
                if row["source"]:
                    self.store.update_source(row["source"], new_articles=len(ingested.new))
            elif article is not None:
                self.store.add_version(canonical, article, now)
            status = "stored" if article else "skipped"
            error = "; ".join(r.reason for r in ingested.rejected) or None
            self.store.set_page(url, status=status, article=article, **{**state, "error": error})
            if canonical != url:
                self.store.set_page(canonical, row["source"], now, status=status, article=article, **state)
        report.failed += ingested.rejected
