"""TableGridController without Qt: busy while a page loads or a save runs, the status line, paging
flags, sort/filter refused before or by the server, save (ok, refused, conflicts), delete with its
confirmation, lookups. A recording runner stands in for the task runner and a small stand-in for
core's TableEditor; each test ends the tasks as the runner would."""

from __future__ import annotations

import subprocess
import sys
from types import SimpleNamespace

import pytest

from aurora_console.core.db.content.changes import ReadOnly
from aurora_console.core.db.content.pager import Filter, Sort
from aurora_console.core.db.content.save import ConnectionLost, SaveResult
from aurora_console.ui.content.grid_controller import FK_CHOICES_LIMIT, TableGridController
from tests.unit.recording_runner import RecordingRunner

pytestmark = pytest.mark.unit


class Changes:
    def __init__(self) -> None:
        self.items: list = []
        self.kept: list = []

    def __len__(self) -> int:
        return len(self.items)

    def counts(self) -> dict:
        return {k: sum(1 for i in self.items if i[0] == k) for k in ("update", "insert", "delete")}

    def delete(self, row):
        self.items.append(("delete", row))
        return row

    def revert(self):
        self.items.clear()

    def keep_mine(self, change_id):
        self.kept.append(("mine", change_id))

    def take_theirs(self, change_id):
        self.kept.append(("theirs", change_id))


class Pager:
    def __init__(self) -> None:
        self.sort, self.filters = Sort(None), []

    def with_options(self, sort=None, filters=None):
        if sort is not None and sort.column not in (None, "id", "name"):
            raise KeyError(f"no column {sort.column}")
        return self


class Editor:
    def __init__(self, read_only_reason: str = "") -> None:
        self.session = SimpleNamespace(queue_key="content:p", run=lambda fn, ctx: fn())
        self.info = SimpleNamespace(qualified="public.posts", estimated_rows=1200,
                                    foreign_key_for=lambda c: SimpleNamespace(ref_schema="public", ref_table="users"),
                                    column=lambda c: SimpleNamespace(enum_labels=("a", "b") if c == "kind" else (),
                                                                     is_array=False))
        self.pager = Pager()
        self.changes = Changes()
        self.read_only_reason = read_only_reason
        self.pages = [page(3, has_next=True)]
        self.save_result = SaveResult(applied=1)
        self.view_error: Exception | None = None

    def load(self, kind):
        return self.pages.pop(0), {"kind": kind}

    def set_view(self, sort=None, filters=None):
        if self.view_error is not None:
            raise self.view_error
        self.pager = Pager()
        self.pager.sort = sort or self.pager.sort
        self.pager.filters = filters if filters is not None else self.pager.filters
        self.page = page(1)

    def labels_for(self, _page):
        return {}

    def save(self):
        return self.save_result

    def references(self, row):
        return "2 comments reference it." if row.key == ("1",) else ""

    def fk_choices(self, limit):
        assert limit == FK_CHOICES_LIMIT
        return {"author_id": [("1", "ann"), ("2", "bob")]}


def page(n: int, has_previous: bool = False, has_next: bool = False):
    return SimpleNamespace(rows=list(range(n)), has_previous=has_previous, has_next=has_next)


@pytest.fixture
def grid():
    runner, editor, owner = RecordingRunner(), Editor(), object()
    g = TableGridController(runner, editor, owner=owner)
    g.seen = {"changed": 0, "pages": [], "errors": [], "views": [], "saved": [], "conflicts": [], "loaded": 0,
              "refused": 0}
    g.changed.connect(lambda: g.seen.__setitem__("changed", g.seen["changed"] + 1))
    g.page_loaded.connect(lambda p, labels: g.seen["pages"].append((len(p.rows), labels)))
    g.loaded.connect(lambda: g.seen.__setitem__("loaded", g.seen["loaded"] + 1))
    g.error.connect(g.seen["errors"].append)
    g.view_shown.connect(lambda s, f: g.seen["views"].append((s, list(f))))
    g.saved.connect(g.seen["saved"].append)
    g.conflicts.connect(g.seen["conflicts"].append)
    g.rows_refused.connect(lambda: g.seen.__setitem__("refused", g.seen["refused"] + 1))
    g.tasks, g.the_owner = runner, owner
    return g


def test_a_page_load_is_busy_until_the_rows_arrive(grid):
    assert not grid.busy and grid.can_edit and grid.pending_text == "No pending changes"
    grid.reload("first")
    task = grid.tasks.tasks[-1]
    assert grid.busy and not grid.can_edit and not grid.can_page_back and not grid.can_page_forward
    assert task.name == "Load rows (public.posts)" and task.queue == "content:p" and task.owner is grid.the_owner
    task.run()
    assert not grid.busy and grid.seen["pages"] == [(3, {"kind": "first"})] and grid.seen["loaded"] == 1
    assert grid.status_text == "3 rows on this page (about 1,200 in the table); sorted by primary key"
    assert not grid.status_is_error
    assert not grid.can_page_back and grid.can_page_forward  # the page's own flags


def test_failed_and_cancelled_loads_end_busy_with_a_status(grid):
    grid.reload()
    grid.tasks.tasks[-1].fail(ConnectionLost("The connection dropped; nothing was applied."))
    assert not grid.busy and grid.status_is_error and grid.last_error == "The connection dropped; nothing was applied."
    grid.reload()
    grid.tasks.tasks[-1].fail(ValueError("bad"))
    assert grid.last_error == "ValueError: bad" and grid.seen["errors"][-1] == "ValueError: bad"
    grid.reload()
    grid.tasks.tasks[-1].cancelled()
    assert not grid.busy and grid.status_text == "Cancelled; pending changes are untouched."
    assert not grid.status_is_error


def test_sort_cycles_ascending_descending_primary_key(grid):
    grid.sort_on("name")
    assert grid.seen["views"][-1][0] == Sort("name")
    grid.tasks.tasks[-1].run()
    grid.sort_on("name")
    assert grid.seen["views"][-1][0] == Sort("name", True)
    grid.tasks.tasks[-1].run()
    grid.sort_on("name")
    assert grid.seen["views"][-1][0] == Sort(None)


def test_a_sort_refused_before_any_query_starts_no_task(grid):
    assert grid.set_view(sort=Sort("nope")) is None
    assert grid.tasks.tasks == [] and not grid.busy
    assert grid.last_error == "no column nope"  # KeyError's message, without its quotes


def test_a_view_the_server_refuses_goes_back_to_the_previous_one(grid):
    grid.editor.view_error = RuntimeError("operator does not exist")
    grid.set_view(filters=[Filter("name", "=", "x")])
    assert grid.busy and grid.seen["views"] == [(Sort(None), [Filter("name", "=", "x")])]
    grid.tasks.tasks[-1].run()
    assert not grid.busy and grid.seen["views"][-1] == (Sort(None), [])  # the view shown before
    assert grid.last_error == "RuntimeError: operator does not exist"


def test_save_ok_notes_it_and_reloads(grid):
    assert grid.save() is None  # nothing pending
    grid.editor.changes.items.append(("update", 1))
    assert grid.can_save and grid.pending_text == "1 pending: 1 edited, 0 new, 0 deleted"
    grid.save()
    assert grid.busy and grid.status_text == "Saving…" and not grid.can_save
    assert grid.save() is None  # one at a time
    grid.editor.changes.items.clear()  # applied
    grid.tasks.tasks[-1].run()
    assert grid.seen["saved"] == [grid.last_result] and grid.last_result.applied == 1
    reload = grid.tasks.tasks[-1]
    assert reload.name == "Load rows (public.posts)" and grid.busy
    reload.run()
    assert grid.status_text.startswith("Saved 1 change(s) in one transaction. 3 rows on this page")


def test_a_refused_save_keeps_everything_pending_and_offers_the_conflicts(grid):
    grid.editor.changes.items.append(("update", 1))
    conflict = SimpleNamespace(change_id=7)
    grid.editor.save_result = SaveResult(errors=[SimpleNamespace(error="value too long")], conflicts=[conflict])
    grid.save()
    grid.tasks.tasks[-1].run()
    assert not grid.busy and grid.status_is_error and grid.seen["refused"] == 1
    assert grid.last_error == ("Nothing was saved: 1 change(s) failed and 1 conflicted; every change is still "
                               "pending. First problem: value too long")
    assert grid.seen["conflicts"] == [[conflict]] and len(grid.seen["saved"]) == 1
    grid.keep_mine(conflict)
    grid.take_theirs(conflict)
    assert grid.editor.changes.kept == [("mine", 7), ("theirs", 7)]
    assert grid.busy  # taking theirs reloads the page


def test_read_only_changes_are_refused_with_the_reason(grid):
    grid.editor.read_only_reason = "The profile is read-only."
    assert not grid.can_edit and not grid.can_save
    assert grid.delete_rows([SimpleNamespace(key=("1",))], confirm=lambda m: True) is None
    assert grid.last_error == "The profile is read-only."

    def refuse():
        raise ReadOnly("The profile is read-only.")

    assert grid.guard(refuse) is None and grid.seen["errors"][-1] == "The profile is read-only."


def test_guard_refuses_while_busy(grid):
    grid.reload()
    assert grid.guard(lambda: 1) is None and grid.last_error == "Wait for the current operation to finish."
    grid.tasks.tasks[-1].run()
    assert grid.guard(lambda: 1) == 1


@pytest.mark.parametrize("answer", [True, False])
def test_delete_names_the_rows_and_their_references_then_asks(grid, answer):
    rows = [SimpleNamespace(key=("1",)), SimpleNamespace(key=("2",))]
    asked = []
    grid.delete_rows(rows, confirm=lambda message: asked.append(message) or answer)
    assert grid.busy and grid.tasks.tasks[-1].name == "Check references (public.posts)"
    grid.tasks.tasks[-1].run()
    assert asked == ["Mark 2 row(s) of public.posts for deletion: (1), (2)?\n\n2 comments reference it. Those rows "
                     "are deleted with it (ON DELETE CASCADE) or the save fails."]
    assert not grid.busy
    assert grid.editor.changes.items == ([("delete", rows[0]), ("delete", rows[1])] if answer else [])


def test_revert_discards_and_says_so(grid):
    grid.editor.changes.items.append(("insert", 1))
    grid.revert()
    assert grid.pending == 0 and grid.status_text == "Pending changes discarded."


def test_lookups_check_keys_only_when_the_list_is_complete(grid):
    assert grid.known_key("author_id", "9") == ""  # not loaded yet: the server decides
    grid.load_choices()
    grid.tasks.tasks[-1].run()
    assert grid.choices_loaded
    assert grid.known_key("author_id", "1") == ""
    assert grid.known_key("author_id", "9") == "author_id: 9 does not exist in public.users; pick an existing row"
    assert grid.known_key("author_id", None) == ""
    grid.choices["author_id"] = [(str(i), "") for i in range(FK_CHOICES_LIMIT)]
    assert grid.known_key("author_id", "99999") == ""  # a truncated list proves nothing
    assert grid.choices_for("kind") == [("a", "a"), ("b", "b")] and grid.choices_for("title") is None


def test_the_controller_imports_no_qt():
    code = ("import sys; sys.modules['PySide6'] = None; sys.modules['shiboken6'] = None\n"
            "import aurora_console.ui.content.grid_controller\n")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def test_an_expired_sso_login_met_while_reconnecting_names_the_login(grid):
    """Reconnecting a profile with an IAM auth token after the SSO session expired: the status line
    says the exact `aws sso login --profile NAME` (not only the error's first words)."""
    from aurora_console.core.aws.errors import AwsError, login_hint

    grid.reload()
    grid.tasks.tasks[-1].fail(AwsError("Creating an IAM auth token: the AWS SSO session for profile 'corp' has "
                                       "expired or was never started.", kind="sso-expired", hint=login_hint("corp")))
    assert grid.status_is_error and "aws sso login --profile corp" in grid.last_error
