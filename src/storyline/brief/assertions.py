"""What a sentence asserts, from the stored parse: its main predicate and how it holds each of its verbs.

Another outlet reports a brief sentence only when it asserts the same main event the same way. "The mayor denied
that the council had voted", "The council did not vote" and "The council will vote" share the words of "The council
voted on Monday to close the branch" but report no vote: the vote is denied, negated or still to come. So each verb
of a sentence gets a status from the parse (:func:`assertion`): *negated* (a ``neg`` on it or on a verb it depends
on, or a verb of ``lexicons/negating_verbs.txt`` above it: "denied that", "refused to"), *prospective* (a modal or
future auxiliary on it or above it, or an infinitive: "will close", "to close"), else *past* ("voted", "had voted")
or *present* ("is acquiring"). The sentence's main clause is its root verb (and below a speech verb the clause it
reports), its main predicate that with the verbs' infinitive complements ("voted ... to close").
:func:`reports_assertion` then asks that a sentence hold one of the lead's main verbs, negate none the lead asserts
(or the reverse) and not tell a main-clause verb the lead gives as done as still to come (or the reverse).

Example:
    >>> from storyline.brief.sentences import Candidate
    >>> from storyline.model import Article, Paragraph, Span
    >>> art = Article(id="a", paragraphs=[Paragraph("The council voted to close the branch.")])
    >>> assertion(Candidate(art, Span(0, 38), art.text, "a", 0, 0, True), None) is None  # nothing without the parse
    True
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from ..text.lexicon import load
from .sentences import Candidate

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

Status = Literal["past", "present", "prospective", "negated"]

# Penn Treebank tags of the auxiliaries that put a verb's event in the future or in the realm of the possible:
# modals ("will", "would", "may", "could", "should", "must", "can") and the infinitive marker "to".
_PROSPECTIVE_TAGS = frozenset({"MD", "TO"})
# Dependency labels (spaCy's English scheme, ClearNLP) that link a verb to the infinitive complement that is part
# of its predicate: "voted to close" (xcomp, or advcl when the parser reads it as a purpose clause).
_COMPLEMENTS = frozenset({"xcomp", "advcl"})


@dataclass(frozen=True)
class Assertion:
    """What a sentence states: the verb lemmas of its main clause (``core``), with their infinitive complements
    (``main``), and the statuses of each of its verbs (``status``)."""

    core: frozenset[str]
    main: frozenset[str]
    status: Mapping[str, frozenset[Status]]


def assertion(c: Candidate, doc: Doc | Span | None) -> Assertion | None:
    """The assertion of a candidate from its parse (``doc``: the article's doc or the sentence's tokens); None
    without the parse."""
    if doc is None:
        return None
    s, e = c.span.start, c.span.end
    toks = [t for t in doc if s <= t.idx < e]
    inside = {t.i for t in toks}
    roots = [t for t in toks if t.head.i == t.i or t.head.i not in inside]
    statuses: dict[str, set[Status]] = {}
    for tok in toks:
        if tok.pos_ == "VERB" or tok in roots:
            statuses.setdefault(tok.lemma_.lower(), set()).add(_status(tok, inside))
    heads = [h for root in roots for c in _reported_clauses(root) for h in _main_verbs(c, inside)]
    core = {h.lemma_.lower() for h in heads}
    main = core | {k.lemma_.lower() for h in heads for k in h.children if k.dep_ in _COMPLEMENTS and _infinitive(k)}
    return Assertion(frozenset(core), frozenset(main), {k: frozenset(v) for k, v in statuses.items()})


def reports_assertion(own: Assertion | None, lead: Assertion | None) -> bool:
    """True when a sentence (``own``) holds one of the lead's main verbs, negates no verb the lead asserts (nor
    asserts one it negates) and does not tell a main-clause verb the lead gives as done as still to come, or the
    reverse ("will vote" for "voted"); True when either is unknown (no parse)."""
    if own is None or lead is None or not lead.main:
        return True
    shared = own.status.keys() & lead.status.keys()
    if any(("negated" in own.status[v]) != ("negated" in lead.status[v]) for v in shared):
        return False  # "denied that the council had voted", "did not vote", "refused to sign"
    for v in lead.core & shared:
        # "will vote", "is expected to vote" for "voted" (a present "is acquiring" may be told as "will acquire")
        if "prospective" in own.status[v] and lead.status[v] <= {"past"}:
            return False
        if "past" in own.status[v] and lead.status[v] <= {"prospective"}:
            return False
    return bool(lead.main & own.status.keys())


def _status(tok: Token, inside: set[int]) -> Status:
    """How a verb holds in its sentence: negated or prospective, by itself and the verbs above it (up to the root or
    a relative clause, whose verb says something of its own), else past or present by its own tense."""
    negating = load("negating_verbs")
    prospective = False
    node = tok
    while True:
        for k in node.children:
            if k.dep_ == "neg":
                return "negated"
            if k.dep_ == "aux" and k.tag_ in _PROSPECTIVE_TAGS:
                prospective = True
        if node is not tok and node.pos_ == "VERB" and node.lemma_.lower() in negating:
            return "negated"
        if node.dep_ == "relcl" or node.head.i == node.i or node.head.i not in inside:
            break
        node = node.head
    if prospective:
        return "prospective"
    # done: a past tense ("voted"), or a participle after an auxiliary ("had voted", "was closed", "has agreed")
    done = tok.tag_ == "VBD" or tok.tag_ == "VBN" and any(k.dep_ in ("aux", "auxpass") for k in tok.children)
    return "past" if done else "present"


def _reported_clauses(root: Token) -> list[Token]:
    """The verbs that say what a sentence states: the root and, below a speech verb, the clause it reports ("the
    city said the council voted" states the vote; "officials declared an outbreak" the declaration, whatever the
    parse made of its object)."""
    speech = load("speech_verbs") - load("negating_verbs")
    out = [root]
    while out[-1].lemma_.lower() in speech:
        clause = next((k for k in out[-1].children if k.dep_ == "ccomp"), None)
        if clause is None:
            break
        out.append(clause)
    return out


def _main_verbs(head: Token, inside: set[int]) -> list[Token]:
    """The verbs of a main clause: its head when it is a verb, else (a parse that put a noun at the root) the
    verbs nearest below it."""
    if head.pos_ in ("VERB", "AUX"):
        return [head]
    level = [k for k in head.children if k.i in inside]
    while level:
        verbs = [k for k in level if k.pos_ == "VERB"]
        if verbs:
            return verbs
        level = [g for k in level for g in k.children if g.i in inside]
    return [head]


def _infinitive(tok: Token) -> bool:
    """True when a verb is an infinitive ("to close")."""
    return any(k.dep_ == "aux" and k.tag_ == "TO" for k in tok.children)
