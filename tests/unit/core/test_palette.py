"""The command palette's matching (core/palette.py): terms, verb-object pairs, recent first."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from aurora_console.core.palette import (
    INSIDE_WORD,
    SCATTERED,
    WORD_START,
    PaletteIndex,
    PaletteItem,
    PaletteMatch,
    RecentKeys,
    _entry_score,
    term_score,
)


def test_a_term_scores_by_where_it_is_found():
    assert term_score("met", "metrics ledger") == WORD_START
    assert term_score("led", "metrics ledger") == WORD_START
    assert term_score("rics", "metrics ledger") == INSIDE_WORD
    assert term_score("mtrc", "metrics ledger") == SCATTERED
    assert term_score("ml", "metrics ledger") == 0  # letters in order, but across two words
    assert term_score("x", "metrics") == 0


def _items():
    failover = []
    blog = PaletteItem("cluster", "blog", "aurora-postgresql · available", target="ref-blog")
    ledger = PaletteItem("cluster", "ledger", "aurora-mysql · available", target="ref-ledger")
    shop = PaletteItem("profile", "sandbox-shop", "mysql · shop", target="sandbox-shop")
    verb = PaletteItem("cluster action", "Failover", "on a cluster", verb=True, applies_to="cluster",
                       run=lambda ref: failover.append(ref))
    metrics = PaletteItem("cluster action", "Metrics", "on a cluster", verb=True, applies_to="cluster",
                          run=lambda ref: failover.append(("metrics", ref)))
    menu = PaletteItem("screen", "Connections and tunnels", "Tools", run=lambda: failover.append("menu"))
    return [blog, ledger, shop, verb, metrics, menu], failover


def test_verb_then_object_runs_the_action_on_that_cluster():
    items, ran = _items()
    index = PaletteIndex(items)
    top = index.search("failover blog")[0]
    assert top.title == "Failover · blog"
    top.run()
    assert ran == ["ref-blog"]
    top = index.search("metrics ledger")[0]
    assert top.title == "Metrics · ledger"
    top.run()
    assert ran[-1] == ("metrics", "ref-ledger")


def test_a_verb_never_pairs_with_an_object_of_another_kind():
    items, _ = _items()
    found = PaletteIndex(items).search("failover shop")
    assert all(m.obj is None or m.obj.kind == "cluster" for m in found)
    assert not any(m.obj is not None and m.obj.title == "sandbox-shop" for m in found)


def test_every_term_must_match():
    items, _ = _items()
    index = PaletteIndex(items)
    assert [m.title for m in index.search("blog")][:1] == ["blog"]
    assert index.search("blog zzz") == []


def test_recent_entries_come_first_among_equal_matches_and_on_an_empty_query():
    items, _ = _items()
    plain = PaletteIndex(items).search("l")  # "ledger" and others
    assert plain
    recent = PaletteIndex(items, recent=["cluster:ledger"])
    assert recent.search("")[0].title == "ledger"
    both = [m.title for m in recent.search("available")]
    assert both.index("ledger") < both.index("blog")


def test_the_empty_query_lists_recent_then_menu_entries_never_verbs():
    items, _ = _items()
    shown = PaletteIndex(items).search("")
    assert [m.title for m in shown] == ["Connections and tunnels"]


def test_recent_keys_are_bounded_most_recent_first():
    section: dict = {}
    recent = RecentKeys(section)
    for i in range(RecentKeys.LIMIT + 5):
        recent.used(f"k{i}")
    recent.used("k3")
    keys = recent.keys()
    assert keys[0] == "k3" and len(keys) == RecentKeys.LIMIT and len(set(keys)) == len(keys)
    section["recent"] = "not a list"
    assert recent.keys() == []


_words = st.text(alphabet="abcdefghij-_ .", min_size=1, max_size=20)


@given(st.lists(_words, min_size=1, max_size=30), _words)
def test_a_match_always_contains_every_term(titles, query):
    items = [PaletteItem("cluster", t, key=f"c{i}") for i, t in enumerate(titles)]
    terms = query.lower().split()
    for m in PaletteIndex(items).search(query, limit=100):
        text = f"{m.item.title} {m.item.detail} {m.item.kind}".lower()
        assert all(term_score(t, text) > 0 for t in terms)


@given(st.lists(_words, min_size=1, max_size=30))
def test_an_entry_is_found_by_its_own_title(titles):
    items = [PaletteItem("cluster", t, key=f"c{i}") for i, t in enumerate(titles)]
    index = PaletteIndex(items)
    for item in items:
        if item.title.split():
            assert item.key in {m.key for m in index.search(item.title, limit=1000)}


def _every_entry_scored(index: PaletteIndex, query: str, limit: int) -> list[PaletteMatch]:
    """The palette's ranking by its definition: every entry scored (no candidate narrowing, no
    cache), stable-sorted by score, title length and title, duplicates dropped."""
    terms = query.lower().split()
    if not terms:
        return index.search(query, limit)
    found = []
    for it in index.items:
        s = _entry_score(terms, it.title.lower(), f"{it.detail} {it.kind}".lower())
        if s:
            found.append(PaletteMatch(it, s + (index._recent.get(it.key, 0.0) + 1.0 / (10 + len(it.title.lower())))))
    found.extend(index._verb_object(terms))
    found.sort(key=lambda m: (-m.score, len(m.title), m.title.lower()))
    out, seen = [], set()
    for m in found:
        if m.key not in seen:
            seen.add(m.key)
            out.append(m)
    return out[:limit]


def _typed(query: str) -> list[str]:
    """What the field holds after each keystroke: typed on, then erased back to nothing."""
    forward = [query[:n] for n in range(1, len(query) + 1)]
    return forward + forward[-2::-1]


_texts = st.text(alphabet="abcdeİ-_ .·\n", min_size=1, max_size=14)
_entries = st.lists(st.tuples(st.sampled_from(["cluster", "instance", "screen", "cluster action"]), _texts, _texts),
                    min_size=1, max_size=25)


@settings(max_examples=150, deadline=None)
@given(_entries, st.lists(st.text(alphabet="abcdeİ-_ .", min_size=1, max_size=12), min_size=1, max_size=4),
       st.integers(min_value=1, max_value=12))
def test_narrowing_keystroke_by_keystroke_finds_what_scoring_every_entry_finds(entries, queries, limit):
    items = [PaletteItem(kind, title, detail, key=f"k{n % 7}", verb=kind == "cluster action",
                         applies_to="cluster" if kind == "cluster action" else "")
             for n, (kind, title, detail) in enumerate(entries)]  # some keys repeat: duplicates are dropped
    index = PaletteIndex(items, recent=["k3", "k1"])
    for query in queries:
        for text in _typed(query):
            got = index.search(text, limit)
            want = _every_entry_scored(index, text, limit)
            assert [(m.key, m.score, m.title) for m in got] == [(m.key, m.score, m.title) for m in want], text


def test_a_longer_term_is_looked_for_only_among_what_the_shorter_one_found(monkeypatch):
    items = [PaletteItem("cluster", f"ledger-{n:04d}", "aurora-postgresql") for n in range(300)]
    items.append(PaletteItem("screen", "Metrics", "View"))
    index = PaletteIndex(items)
    assert len(index.search("l", 1000)) == 300
    scanned = []
    texts = index._title_texts
    monkeypatch.setattr(texts, "_scan", lambda term: scanned.append(term) or [])
    assert [m.title for m in index.search("ledger-0042", 5)] == ["ledger-0042"]
    assert "ledger-0042" not in scanned and "le" not in scanned  # narrowed from "l"'s entries
    assert len(index.search("l", 1000)) == 300  # erased back: the shorter term's set is kept
