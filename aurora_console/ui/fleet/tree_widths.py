"""How the fleet tree and the details pane share the width, and how the tree's columns fit.

The tree keeps 65% of the width as the window grows (or what its columns need when the details
pane can spare it: the pane wraps down to DETAILS_MIN px) until the user drags the splitter's
handle; from then on the user's sizes stay. Region header rows span the whole tree.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from PySide6.QtCore import QModelIndex, QTimer

from aurora_console.ui.after_repaint import after_repaint

DETAILS_MIN = 250  # px the details pane keeps when the tree's columns ask for more than 65%
TREE_SHARE = 0.65
#: Rows a column fit reads (the visible ones first, then the nearest): each row read is a Python
#: data() call per role, and a 1,000-cluster fleet's fit over Qt's default of 1,000 rows stalled
#: the window for hundreds of milliseconds on its first fill.
FIT_ROWS = 100
COLUMN_BOUNDS = {0: (120, 260), 1: (90, 200), 2: (60, 110), 3: (45, 80), 4: (30, 36), 5: (70, 130), 6: (60, 100)}
#: Time one event-loop turn may spend fitting columns; the rest is fitted on the next turns (a
#: column of a 1,000-cluster fleet takes 2-10 ms, all seven together were one 150 ms stall). The
#: widths are measured turn by turn and applied together at the end: a column resized on each
#: turn made each of those turns repaint the whole tree too (10-15 ms a paint). Turns follow
#: each other on a 1 ms timer: a posted call ran right after the repaint of the tree's first
#: fill, in the same stretch of the event loop. A column of 100 rows takes 2-4 ms: with 2 ms, a
#: turn measures one column (at 5 ms, two: a 6 ms turn, several times that on a busy machine).
FIT_BUDGET_S = 0.002
FIT_TURN_MS = 1


class TreeWidths:
    def __init__(self, tree, proxy, split, clock: Callable[[], float] = time.perf_counter) -> None:
        self.tree, self.proxy, self.split = tree, proxy, split
        self.clock = clock
        self.user_split = False
        self.sized = False
        self._fit_next: int | None = None  # the next column a fit in progress measures
        self._fit_widths: dict[int, int] = {}  # what it measured so far
        self._fit_run = 0
        self._revealing = False
        tree.header().setResizeContentsPrecision(FIT_ROWS)
        split.splitterMoved.connect(self._user_moved)

    def _user_moved(self, *_args) -> None:
        self.user_split = True

    def shown(self) -> None:
        """First show: share the width once the layout has given the splitter its width
        (sizes before a layout are guesses)."""
        if not self.sized:
            self.sized = True
            QTimer.singleShot(0, self.split, self.share_width)

    def resized(self) -> None:
        if self.sized and not self.user_split:
            QTimer.singleShot(0, self.split, self.share_width)

    def share_width(self) -> None:
        total = self.split.width()
        if total > 100 and not self.user_split:
            tree = max(int(total * TREE_SHARE), min(self.columns_width(), total - DETAILS_MIN))
            self.split.setSizes([tree, total - tree])

    def columns_width(self) -> int:
        header = self.tree.header()
        bar = self.tree.verticalScrollBar()
        frame = 2 * self.tree.frameWidth() + (bar.sizeHint().width() if bar.isVisible() else 0)
        return sum(header.sectionSize(c) for c in range(header.count())) + frame

    @property
    def fitting(self) -> bool:
        """Whether a column fit is still under way (it runs over several event-loop turns)."""
        return self._fit_next is not None

    def show_first_fill(self) -> None:
        """The first load is shown: its regions expanded on this turn, the columns fitted from
        the next, a column a turn, and the tree painted once, with those widths, when the fit
        ends (:attr:`fitting` and :attr:`revealing` are True until then). Expanding a region of
        1,000 clusters lays out every row (~4 ms) and asks for a full repaint of the tree (~7-9
        ms, a call into the Python model per cell and role): in one turn they were the longest
        stretch of the first fill (13-18 ms of the UI thread's CPU, up to 3-5 times that in wall
        time on a busy machine), and the fit's new widths repainted the whole tree once more.
        Meanwhile the tree keeps what it showed (its updates are off)."""
        tree = self.tree
        self._revealing = True
        tree.setUpdatesEnabled(False)
        try:
            self.expand_regions()
        finally:
            run = self._start_fit()
            # the fit's first turn comes once what this turn posted is delivered
            after_repaint(tree, lambda: self._fit_step(run), FIT_TURN_MS)

    @property
    def revealing(self) -> bool:
        """Whether the first fill's rows are expanded but not yet let through to the screen (the
        tree takes no updates until its columns are fitted)."""
        return self._revealing

    def _reveal(self) -> None:
        if self._revealing:
            self._revealing = False
            self.tree.setUpdatesEnabled(True)  # repaints the tree (a posted event)

    def _start_fit(self) -> int:
        self._fit_run += 1
        self._fit_next = 0
        self._fit_widths = {}
        return self._fit_run

    def fit_columns(self, next_turn: bool = False) -> None:
        """Once the first load is shown: each column as wide as its texts (region header rows
        span the tree and do not count) in the rows shown and the nearest (FIT_ROWS), within
        bounds, then the width is shared again. Columns are measured for FIT_BUDGET_S per
        event-loop turn (at least one per turn), then resized together; a new fit replaces one
        under way. ``next_turn``: start on the next event-loop turn (:attr:`fitting` is already
        True), when this one has done enough, such as expanding a region of 1,000 clusters."""
        run = self._start_fit()
        if next_turn:
            QTimer.singleShot(FIT_TURN_MS, self.tree, lambda: self._fit_step(run))
            return
        self._fit_step(run)

    def _fit_step(self, run: int) -> None:
        if run != self._fit_run or self._fit_next is None:
            return  # replaced by a newer fit
        header = self.tree.header()
        deadline = self.clock() + FIT_BUDGET_S
        while self._fit_next < header.count():
            col = self._fit_next
            # what QTreeView.resizeColumnToContents sizes a column to, without resizing it yet
            self._fit_widths[col] = max(self.tree.sizeHintForColumn(col),
                                        0 if header.isHidden() else header.sectionSizeHint(col))
            self._fit_next += 1
            if self._fit_next < header.count() and self.clock() > deadline:
                QTimer.singleShot(FIT_TURN_MS, self.tree, lambda: self._fit_step(run))
                return
        self._fit_next = None
        for col, width in self._fit_widths.items():
            lo, hi = COLUMN_BOUNDS.get(col, (30, 200))
            header.resizeSection(col, max(lo, min(hi, width)))
        if not self.user_split:
            self.share_width()
        if self._revealing:
            # the first fill's rows, with their widths: one repaint, on a later turn than the
            # resize (the tree repaints resized columns from a timer of its own, which would
            # come after and paint the whole tree a second time)
            after_repaint(self.tree, self._reveal, FIT_TURN_MS)

    def span_regions(self) -> None:
        for row in range(self.proxy.rowCount()):
            if not self.tree.isFirstColumnSpanned(row, QModelIndex()):
                self.tree.setFirstColumnSpanned(row, QModelIndex(), True)

    @contextmanager
    def regions_unspanned(self) -> Iterator[None]:
        """Region rows not spanned while many rows are laid out at once (a region of 1,000
        clusters expanded, or every row by a filter), spanned again before anything paints:
        while any row is spanned, Qt's layout looks each row it lays out up among the spanned
        ones, one more index() call into the Python model per row (a third of an expansion's
        calls)."""
        root = QModelIndex()
        spanned = [row for row in range(self.proxy.rowCount()) if self.tree.isFirstColumnSpanned(row, root)]
        for row in spanned:
            self.tree.setFirstColumnSpanned(row, root, False)
        try:
            yield
        finally:
            for row in spanned:
                self.tree.setFirstColumnSpanned(row, root, True)

    def expand_regions(self) -> None:
        small = self.proxy.rowCount() <= 10 and sum(self.proxy.rowCount(self.proxy.index(r, 0))
                                                    for r in range(self.proxy.rowCount())) <= 40
        with self.regions_unspanned():
            for row in range(self.proxy.rowCount()):
                region = self.proxy.index(row, 0)
                self.tree.expand(region)
                if small:  # a small fleet: show every instance and its role at once
                    for child in range(self.proxy.rowCount(region)):
                        self.tree.expand(self.proxy.index(child, 0, region))
