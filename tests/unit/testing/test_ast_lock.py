"""Syntax-tree conversions take turns in a test run (CPython 3.11's conversion is not safe on two
threads at once: python/cpython#106905), without changing what they return."""

from __future__ import annotations

import ast
import threading
import time

from aurora_console.testing import ast_lock


def test_the_plugin_put_pytests_rewrite_and_ast_parse_under_the_lock():
    from _pytest.assertion import rewrite

    assert getattr(ast.parse, ast_lock._MARK, False)
    assert getattr(rewrite._rewrite_test, ast_lock._MARK, False)
    assert ast_lock.serialise() == ["ast.parse", "_pytest.assertion.rewrite._rewrite_test"]
    assert not hasattr(ast.parse.__wrapped__, ast_lock._MARK)  # wrapped once, not again


def test_wrapped_calls_never_overlap_across_threads():
    inside = []
    overlaps = []

    def convert(n: int) -> int:
        if inside:
            overlaps.append(n)
        inside.append(n)
        time.sleep(0.005)  # long enough for another thread to come in, without the lock
        inside.remove(n)
        return n * 2

    guarded = ast_lock.one_at_a_time(convert)
    results = []
    threads = [threading.Thread(target=lambda n=n: results.extend(guarded(n) for _ in range(5))) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert overlaps == []
    assert sorted(results) == sorted(n * 2 for n in range(4) for _ in range(5))


def test_the_lock_is_reentrant_so_a_rewrite_can_parse_inside_it():
    outer = ast_lock.one_at_a_time(lambda: ast.dump(ast.parse("x = 1")))
    done = []
    thread = threading.Thread(target=lambda: done.append(outer()))
    thread.start()
    thread.join(5)
    assert done == [ast.dump(ast.parse("x = 1"))]


def test_ast_parse_still_parses_as_before():
    tree = ast.parse("select = 1\nassert select == 1", filename="<t>", mode="exec")
    assert [type(node).__name__ for node in tree.body] == ["Assign", "Assert"]
    assert isinstance(ast.parse("1 + 2", mode="eval"), ast.Expression)
