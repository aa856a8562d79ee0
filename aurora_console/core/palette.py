"""The command palette's search (plain Python, no Qt): what the user typed against everything the
console can jump to or do (clusters, instances, connection profiles, tables, saved queries,
screens and menu actions).

Each term of the query must be found in an entry's text: as a word's beginning (best), inside a
word, or as letters in order within one word ("mtrc" finds "metrics"). Entries the user opened
recently come first among equal matches, then shorter titles.

"Verb object" queries: an entry may be a *verb* (an action on a cluster, "Failover…", "Metrics")
and a cluster an *object*; "failover blog" then offers "Failover… · blog". The combinations are
made per query from the best verbs and the best objects, never listed ahead of time (a fleet of
1,000 clusters with 15 cluster actions would be 15,000 entries to score per keystroke).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

#: what a term scores where it is found in an entry's text
WORD_START, INSIDE_WORD, SCATTERED = 3.0, 2.0, 1.0
_WORD_CHARS = re.compile(r"\w")


@dataclass(frozen=True, slots=True)
class PaletteItem:
    """One thing the palette can do. ``key`` is stable across sessions (for "recent first");
    ``run`` does it: ``run(target)`` when the item has a ``target``, else ``run()``; a verb runs
    as ``run(obj.target)`` with the object the query named."""

    kind: str  # "cluster", "instance", "profile", "table", "snippet", "screen", "action", ...
    title: str
    detail: str = ""
    key: str = ""
    run: Callable[..., Any] | None = field(default=None, compare=False, repr=False)
    #: an action that needs a cluster (``run(target)``); matched against clusters' names in queries
    verb: bool = False
    #: what a verb receives when this item is its object (e.g. a ClusterRef)
    target: Any = field(default=None, compare=False, repr=False)
    #: the object kind a verb applies to ("cluster")
    applies_to: str = ""
    #: a bundled icon's name (ui/icon_names.py); empty: the kind's icon
    icon: str = ""

    def __post_init__(self) -> None:
        if not self.key:
            object.__setattr__(self, "key", f"{self.kind}:{self.title}")


@dataclass(frozen=True)
class PaletteMatch:
    """An entry that matches what the user typed, with its score (and the object a verb applies to)."""

    item: PaletteItem
    score: float
    #: for a verb applied to an object: the object; run with :meth:`run`
    obj: PaletteItem | None = None

    @property
    def title(self) -> str:
        return f"{self.item.title} · {self.obj.title}" if self.obj else self.item.title

    @property
    def detail(self) -> str:
        return self.obj.detail if self.obj else self.item.detail

    @property
    def key(self) -> str:
        return f"{self.item.key}>{self.obj.key}" if self.obj else self.item.key

    def run(self) -> Any:
        item = self.item
        if item.run is None:
            return None
        if self.obj is not None:
            return item.run(self.obj.target)
        return item.run(item.target) if item.target is not None else item.run()


def term_score(term: str, text: str) -> float:
    """How well ``term`` (lower case, no spaces) is found in ``text`` (lower case); 0 if not."""
    if not term:
        return WORD_START
    at = text.find(term)
    best = 0.0
    while at >= 0:
        if at == 0 or not _WORD_CHARS.match(text[at - 1]):
            return WORD_START
        best = INSIDE_WORD
        at = text.find(term, at + 1)
    if best:
        return best
    return SCATTERED if len(term) > 1 and _scattered(term).search(text) else 0.0


@lru_cache(maxsize=256)
def _scattered(term: str) -> re.Pattern[str]:
    """The letters of ``term`` in order within a single word (a run of word characters): the
    regular expression engine does the scan (a Python loop over 4,000 entries per keystroke was
    the palette's slowest part)."""
    parts = [re.escape(ch) for ch in term]
    return re.compile(r"\w*?".join(parts) if all(_WORD_CHARS.match(ch) for ch in term) else "(?!)")


def _score(terms: Sequence[str], text: str) -> float:
    total = 0.0
    for term in terms:
        s = term_score(term, text)
        if not s:
            return 0.0
        total += s
    return total


def _entry_score(terms: Sequence[str], title: str, rest: str) -> float:
    """Every term found in the entry; one found in its title counts fully, one found only in its
    detail or kind ("available", "us-east-1", "cluster") half, so names lead."""
    total = 0.0
    for term in terms:
        s = term_score(term, title)
        if not s:
            s = term_score(term, rest) / 2
            if not s:
                return 0.0
        total += s
    return total


@lru_cache(maxsize=256)
def _scattered_in_a_line(term: str) -> re.Pattern[str]:
    """A line (of a :class:`_Texts` blob) holding ``term``'s letters in order within one word; one
    match per line at most (the scan goes on at the next line), so a frequent letter costs one
    match per entry, not one per occurrence."""
    return re.compile(r"^.*?" + _scattered(term).pattern, re.MULTILINE)


#: most per-term candidate sets a :class:`PaletteIndex` keeps for narrowing the next keystroke's
CACHED_TERMS = 24


class _Texts:
    """One text per entry (lower case), and which of them hold a term: ``term`` as a substring,
    or (two or more word letters) its letters in order within one word, as :func:`term_score`
    finds them. A term that extends one asked before ("led" after "le") is looked for only in the
    entries that held the shorter one: whatever holds "led" holds "le" (as a substring, or its
    letters in order within the same word)."""

    def __init__(self, texts: Sequence[str]) -> None:
        self.texts = list(texts)
        # joined by newlines for the scattered scan (in C): a term never spans a newline (no
        # whitespace in a term; \w stops at one)
        self._blob = "\n".join(t.replace("\n", " ") for t in self.texts)
        self._starts = [0]
        for t in self.texts[:-1]:
            self._starts.append(self._starts[-1] + len(t) + 1)
        self._cache: dict[str, frozenset[int]] = {}

    def holding(self, term: str) -> frozenset[int]:
        cache = self._cache
        found = cache.get(term)
        if found is not None:
            cache[term] = cache.pop(term)  # most recently used last
            return found
        narrower = None
        for known in cache:  # the longest term asked before that this one extends
            if term.startswith(known) and (narrower is None or len(known) > len(narrower)):
                narrower = known
        found = frozenset(self._scan(term) if narrower is None else self._narrow(term, cache[narrower]))
        cache[term] = found
        while len(cache) > CACHED_TERMS:
            del cache[next(iter(cache))]
        return found

    def _scan(self, term: str):
        texts = self.texts
        if len(term) > 1 and all(_WORD_CHARS.match(ch) for ch in term):
            # a substring of word letters is also "its letters in order within one word"
            starts = self._starts
            return {bisect_right(starts, m.start()) - 1 for m in _scattered_in_a_line(term).finditer(self._blob)}
        return [i for i, text in enumerate(texts) if term in text]

    def _narrow(self, term: str, among: frozenset[int]):
        texts = self.texts
        if len(term) > 1:
            scattered = _scattered(term).search
            return [i for i in among if term in texts[i] or scattered(texts[i])]
        return [i for i in among if term in texts[i]]


class PaletteIndex:
    """The entries of one palette opening, searchable per keystroke. Each keystroke scores only
    the entries that hold every term, and narrows what the previous keystroke found when the
    query was extended (see :class:`_Texts`)."""

    def __init__(self, items: Iterable[PaletteItem], recent: Sequence[str] = ()) -> None:
        self.items = list(items)
        self._titles = [it.title.lower() for it in self.items]
        self._rests = [f"{it.detail} {it.kind}".lower() for it in self.items]
        self._title_texts = _Texts(self._titles)
        self._rest_texts = _Texts(self._rests)
        self._title_lengths = [len(it.title) for it in self.items]  # the tie-break (lower case may differ)
        # the most recent first: a bigger bonus
        self._recent = {key: (len(recent) - i) / max(1, len(recent)) for i, key in enumerate(recent)}
        self._verbs = [i for i, it in enumerate(self.items) if it.verb]

    def search(self, query: str, limit: int = 50) -> list[PaletteMatch]:
        terms = query.lower().split()
        if not terms:
            return self._recent_and_screens(limit)
        items, titles, rests, lengths, recent = self.items, self._titles, self._rests, self._title_lengths, self._recent
        # (sort key, payload): the best first; equal scores keep the entries' order, then the
        # verb-object pairs' (the order a stable sort of the matches gave)
        ranked: list[tuple[tuple, object]] = []
        for i in sorted(self._candidates(terms)):  # only entries holding every term get scored
            s = _entry_score(terms, titles[i], rests[i])
            if s:
                it = items[i]
                # recent entries lead equal matches; a shorter title (closer to what was typed) next
                s += recent.get(it.key, 0.0) + 1.0 / (10 + len(titles[i]))
                ranked.append(((-s, lengths[i], titles[i], len(ranked)), i))
        for m in self._verb_object(terms):
            title = m.title
            ranked.append(((-m.score, len(title), title.lower(), len(ranked)), m))
        ranked.sort(key=lambda r: r[0])
        out: list[PaletteMatch] = []
        seen: set[str] = set()
        for key, what in ranked:
            m = PaletteMatch(items[what], -key[0]) if isinstance(what, int) else what
            if m.key not in seen:
                seen.add(m.key)
                out.append(m)
                if len(out) >= limit:
                    break
        return out

    def _candidates(self, terms: Sequence[str], *, titles_only: bool = False) -> set[int]:
        found: set[int] | None = None
        for term in terms:
            holding = self._title_texts.holding(term)
            if not titles_only:
                holding = holding | self._rest_texts.holding(term)
            found = set(holding) if found is None else found & holding
            if not found:
                return set()
        return found or set()

    def _verb_object(self, terms: Sequence[str]) -> list[PaletteMatch]:
        """'failover blog': the leading terms name a verb, the others its object."""
        if len(terms) < 2 or not self._verbs:
            return []
        out: list[PaletteMatch] = []
        for cut in range(1, len(terms)):
            head, tail = terms[:cut], terms[cut:]
            verbs = []
            for i in self._verbs:
                s = _score(head, self._titles[i])
                if s:
                    verbs.append((s, self.items[i]))
            if not verbs:
                continue
            verbs.sort(key=lambda v: -v[0])
            kinds = {v.applies_to for _, v in verbs}
            objects = []
            for i in sorted(self._candidates(tail, titles_only=True)):
                title = self._titles[i]
                it = self.items[i]
                if it.verb or it.kind not in kinds:
                    continue
                s = _score(tail, title)  # an object is named by its name alone
                if s:
                    objects.append((s, it))
            objects.sort(key=lambda o: -o[0])
            for vs, verb in verbs[:8]:
                for os_, obj in objects[:25]:
                    if obj.kind != verb.applies_to:
                        continue
                    key = f"{verb.key}>{obj.key}"
                    # a verb-object pair beats either half alone: both halves of the query matched
                    score = vs + os_ + 0.5 + self._recent.get(key, 0.0) + 1.0 / (10 + len(verb.title) + len(obj.title))
                    out.append(PaletteMatch(verb, score, obj))
        return out

    def _recent_and_screens(self, limit: int) -> list[PaletteMatch]:
        by_key = {it.key: it for it in self.items}
        out = [PaletteMatch(by_key[k], 10.0 + b) for k, b in self._recent.items() if k in by_key]
        out.sort(key=lambda m: -m.score)
        known = {m.item.key for m in out}
        out.extend(PaletteMatch(it, 0.0) for it in self.items
                   if it.kind in ("screen", "action") and not it.verb and it.key not in known)
        return out[:limit]


def _unique(matches: list[PaletteMatch]) -> list[PaletteMatch]:
    seen: set[str] = set()
    out = []
    for m in matches:
        if m.key not in seen:
            seen.add(m.key)
            out.append(m)
    return out


class RecentKeys:
    """The palette's recent entries (keys only: names of clusters, profiles, actions; never a
    secret) in a settings section, most recent first, bounded."""

    LIMIT = 30

    def __init__(self, section: dict[str, Any]) -> None:
        self._section = section

    def keys(self) -> list[str]:
        value = self._section.get("recent", [])
        return [k for k in value if isinstance(k, str)] if isinstance(value, list) else []

    def used(self, key: str) -> None:
        keys = [k for k in self.keys() if k != key]
        self._section["recent"] = [key, *keys][: self.LIMIT]
