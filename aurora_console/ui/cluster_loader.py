"""Loading the clusters of the chosen profile and regions: one load for the whole window.

:class:`InventoryLoader` reads every (profile, region) into the one :class:`ClusterInventory`
and its one Qt model (:class:`FleetTreeModel`), which the navigator's list and the fleet tree
both show. A newer refresh supersedes the load still running (its regions never appear). Each
region enters the model over several event-loop turns (see ui/fleet/staging.py) so a large
fleet never freezes the window.

:class:`ClusterLoader` ties it to the main window: the profile and region choices, the status
bar, the navigator's status line and the window's ``load_finished`` signal. It makes the
InventoryLoader (and with it the cluster model, the inventory's dataclasses and the fleet tree's
modules) when first asked for it: the first load, after the window's first paint, or a screen
that shows the clusters. A start with no AWS profile never loads them.
"""

from __future__ import annotations

import gc
import time
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal

# the AWS targets (core/aws/session.py: dataclasses) and ui/after_repaint.py load with the first
# load, after the first paint: building the window needs neither
if TYPE_CHECKING:
    from aurora_console.core.aws.fleet.models import RegionInventory
    from aurora_console.core.aws.session import AwsTarget
    from aurora_console.ui.fleet.staging import StagedRegion
    from aurora_console.ui.main_window import MainWindow


class _RegionBridge(QObject):
    """Emitted on the worker thread, delivered queued on the UI thread."""

    region = Signal(object, int)  # RegionInventory, generation


class InventoryLoader(QObject):
    """The one loader of the window's cluster inventory."""

    started = Signal(list)  # the region keys being loaded
    region_shown = Signal(object)  # a RegionInventory, once the model shows all of it
    finished = Signal(bool, list)  # ok (some region answered), error texts ("region: why")

    def __init__(self, services, parent=None) -> None:
        from aurora_console.core.aws.fleet.inventory import ClusterInventory
        from aurora_console.ui.fleet.tree_model import FleetTreeModel

        super().__init__(parent)
        self.services = services
        self.inventory = ClusterInventory()
        self.model = FleetTreeModel(self.inventory, self)
        self._bridge = _RegionBridge(self)
        self._bridge.region.connect(self._region_arrived, Qt.ConnectionType.QueuedConnection)
        self._generation = 0
        self._staging: dict[str, tuple[StagedRegion, int]] = {}
        #: regions whose last clusters are shown, announced (region_shown) on a turn of their own
        self._announcing: dict[str, tuple[RegionInventory, int]] = {}
        self._finish_after_staging = -1
        self._handle = None
        self._gc_held = False
        # a loader destroyed mid-load must not leave the process without full collections
        self._gc_token = {"held": False}
        self.destroyed.connect(lambda *_a, t=self._gc_token: _release_token(t))
        self.loading = False
        self.load_count = 0
        self.pending: set[str] = set()
        self.targets: list[AwsTarget] = []
        self.errors: list[str] = []

    def refresh(self, targets: list[AwsTarget], profile_label: str) -> None:
        """Load ``targets``; regions not among them leave the model. ``profile_label`` names a
        target whose profile is None (the default chain, or the sandbox)."""
        aws = self.services.aws
        if aws is None:
            return
        if self._handle is not None and not self._handle.done:
            self._handle.cancel()
        self._generation += 1
        gen = self._generation
        self._staging.clear()
        self._announcing.clear()
        self.targets = list(targets)
        self.errors = []
        wanted = {f"{t.profile or profile_label}/{t.region}" for t in targets}
        for key in set(self.model.region_keys()) - wanted:
            self.model.remove_region(key)
        self.pending = set(wanted)
        if not targets:
            self.loading = False
            self.started.emit([])
            self._done(gen)
            return
        self._hold_gc(True)
        self.loading = True
        self.started.emit(sorted(wanted))
        bridge, inventory = self._bridge, self.inventory
        def arrived(inv: RegionInventory) -> None:  # on the worker
            # (no collection is run here: a collection on a worker frees whatever unreachable
            # Qt wrappers it finds on that thread, and one made on the UI thread crashed the
            # process; the UI thread collects the region's young objects on its arrival)
            bridge.region.emit(inv, gen)

        def work(ctx) -> None:
            # the regions reach the model through ``arrived``; the list the read returns is not
            # the task's result: the task's handle kept it, the last raw read (some 8,000 objects
            # for 1,000 clusters, most of them equal to the ones shown), until the next load, and
            # every garbage collection meanwhile walked it (two thirds of the load's last pass)
            inventory.load(aws, targets, task=ctx, profile_label=profile_label, on_region=arrived)

        self._handle = self.services.runner.submit(
            work, name=f"Cluster inventory ({len(targets)} region(s))",
            on_done=lambda _r, g=gen: self._finished(g), on_error=lambda exc, g=gen: self._failed(exc, g),
            on_cancelled=lambda g=gen: self._finished(g))

    def clear(self) -> None:
        """Forget every region (another account: its rows must never show the old one's)."""
        self._generation += 1
        self._staging.clear()
        self._announcing.clear()
        self.model.clear()

    def _region_arrived(self, inv: RegionInventory, gen: int) -> None:
        from aurora_console.ui.fleet.staging import STAGE_CLUSTERS, StagedRegion

        if gen != self._generation:
            return  # a load for an earlier profile/region choice: its rows must not appear
        self._staging[inv.key] = (StagedRegion(inv, self.inventory.regions.get(inv.key)), gen)
        if len(inv.clusters) > STAGE_CLUSTERS:
            # A region staged over many turns: its objects, made on the worker, are still in
            # the collector's young generations, and the young pass that next met them fell
            # inside a staging step (5-7 ms of a 12-17 ms turn for 1,000 clusters). Collected
            # here, on the UI thread (never on a worker: a pass there could free Qt wrappers
            # made on this thread), on a turn of its own; the steps begin on the next one.
            gc.collect(1)
            key = inv.key
            _next_turn(self, lambda: self._stage_step(key, gen))
            return
        self._stage_step(inv.key, gen)

    def _stage_step(self, key: str, gen: int) -> None:
        """Apply a region over several event-loop turns: first compare it with what is shown
        (time-boxed per turn), then each turn adds or updates up to STAGE_CLUSTERS clusters. A
        turn that spent its time comparing leaves the first step to the next turn, and the
        region is announced (``region_shown``: the navigator's list takes it in) on a turn after
        the one that applied its last clusters (that one also paints the tree)."""
        from aurora_console.ui.fleet.staging import COMPARE_THEN_APPLY_S, TURN_BUDGET_S

        staged = self._staging.get(key)
        if staged is None or staged[1] != gen or gen != self._generation:
            return
        st = staged[0]
        if not st.compared:
            cpu = time.thread_time()  # CPU time: a turn preempted on a busy machine still applies
            if not st.compare(time.perf_counter() + TURN_BUDGET_S) or time.thread_time() - cpu > COMPARE_THEN_APPLY_S:
                _next_turn(self, lambda: self._stage_step(key, gen))
                return
        step = st.next_step()
        if step is not None:
            self.model.set_region(step)  # regions stay collapsed while they fill
            _next_turn(self, lambda: self._stage_step(key, gen))
            return
        del self._staging[key]
        self._announcing[key] = (self.model.set_region(st.final()), gen)  # the load ends after it
        _next_turn(self, lambda: self._announce(key, gen))

    def _announce(self, key: str, gen: int) -> None:
        """The region's last clusters are shown: say so (unless a newer load took over)."""
        from aurora_console.core.aws.fleet.clusters import region_clusters

        shown = self._announcing.get(key)
        if shown is None or shown[1] != gen or gen != self._generation:
            return
        final = shown[0]
        del self._announcing[key]
        self.pending.discard(key)
        if final.error:
            error = region_clusters(final, final.target).error
            self.errors.append(f"{final.region}: {error.user_text() if error is not None else final.error}")
        self.region_shown.emit(final)
        if self._finish_after_staging == gen and not self._staging and not self._announcing:
            # on the next turn: this one showed the region (the navigator's list took in its
            # clusters); the end of the load (the fleet expands and sorts its regions) is another
            _next_turn(self, lambda: self._finished(gen))

    def _finished(self, gen: int) -> None:
        if gen != self._generation:
            return
        if self._staging or self._announcing:
            self._finish_after_staging = gen
            return
        self._done(gen)

    def _done(self, gen: int) -> None:
        from aurora_console.core.aws.fleet.clusters import listed

        self.loading = False
        self.load_count += 1
        # ok unless every region failed and none has a cluster to show (no summaries made:
        # 1,000 clusters' refs only to be counted were ~5-8 ms of the load's last turn)
        ok = not self.errors or any(listed(c) for inv in self.inventory.regions.values() for c in inv.clusters)
        self.finished.emit(ok, list(self.errors))
        _next_turn(None, lambda: self._hold_gc(False) if not self.loading else None)  # after the fleet's repaint
        # (no owner: the hold is released even when the loader is gone by then)

    def _failed(self, exc: BaseException, gen: int) -> None:
        if gen == self._generation:
            self.services.notifier.error("Cluster inventory failed", exc)
        self._finished(gen)

    def _hold_gc(self, hold: bool) -> None:
        """While a load is in flight: no full garbage collections (see ui/fleet/load_gc.py), and
        the short switch interval (ui/switch_interval.py), so the workers parsing the regions'
        answers give the GIL back to the UI thread within 1 ms instead of 5."""
        from aurora_console.ui import switch_interval
        from aurora_console.ui.fleet import load_gc

        # the token says whether this loader's hold is on: a loader destroyed mid-load gave it
        # back already (_release_token), and the load's end may still arrive afterwards (its
        # next-turn call has no owner): releasing again took another screen's hold away
        if hold != self._gc_token["held"]:
            self._gc_held = self._gc_token["held"] = hold
            (load_gc.hold_full_collections if hold else load_gc.release_full_collections)()
            (switch_interval.hold if hold else switch_interval.release)()

    def shutdown(self) -> None:
        self._generation += 1  # late results of a load in flight are dropped
        self._staging.clear()
        self._announcing.clear()
        self._hold_gc(False)
        if self._handle is not None and not self._handle.done:
            self._handle.cancel()


def _next_turn(owner, fn) -> None:
    """Run ``fn`` on a later event-loop turn than the repaint of what this turn changed: on a
    1 ms timer started once that repaint is delivered (ui/after_repaint.py), not a posted call
    (QTimer.singleShot(0)), which ran step, repaint, step back to back, nor a timer started now,
    which fell due during the repaint and ran right after it, before the timers and input that
    came due meanwhile. With an ``owner`` (QObject), nothing runs once it is destroyed (a closed
    window's loader emits nothing)."""
    from aurora_console.ui.after_repaint import after_repaint

    after_repaint(owner, fn)


def _release_token(token: dict) -> None:
    from aurora_console.ui import switch_interval
    from aurora_console.ui.fleet import load_gc

    if token["held"]:
        token["held"] = False
        load_gc.release_full_collections()
        switch_interval.release()


class ClusterLoader:
    """The main window's side of the load: choices, status texts, ``load_finished``."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self._loader: InventoryLoader | None = None
        self._loaded_profile: tuple | None = None

    @property
    def loader(self) -> InventoryLoader:
        """The window's one loader and cluster model, made when first asked for (the first load,
        or a screen showing the clusters); the navigator's list then follows its model."""
        if self._loader is None:
            loader = self._loader = InventoryLoader(self.window.services, self.window)
            loader.started.connect(self._started)
            loader.region_shown.connect(lambda _inv: self._show_progress())
            loader.finished.connect(self._finished)
            self.window.navigator.model.set_source(loader.model)
        return self._loader

    @property
    def loading(self) -> bool:
        return self._loader is not None and self._loader.loading

    @property
    def load_count(self) -> int:
        return self._loader.load_count if self._loader is not None else 0

    def shutdown(self) -> None:
        """The window closes: its load stops and gives back its holds (the short switch interval,
        the held full collections) now, not when the cancelled task's news is next delivered
        (a window closed mid-load kept them until then, into whatever ran next)."""
        if self._loader is not None:
            self._loader.shutdown()

    def profile_selected(self, profile: str) -> None:
        services = self.window.services
        if services.aws is not None and not services.aws.is_sandbox:
            services.settings.settings.aws_profile = profile
            services.aws.choose_profile(profile)  # picked by the user: explicit, like --profile
        self.refresh()

    def regions_selected(self, regions: list[str]) -> None:
        services = self.window.services
        if services.aws is not None and not services.aws.is_sandbox and regions:
            services.settings.settings.aws_regions = regions
        self.refresh()

    def current_targets(self) -> list[AwsTarget]:
        navigator, aws = self.window.navigator, self.window.services.aws
        # the sandbox's factory pins its own credentials; a real profile named "sandbox" stays itself
        name = None if aws is not None and aws.is_sandbox else navigator.current_profile()
        from aurora_console.core.aws.session import AwsTarget

        return [AwsTarget(name, r) for r in navigator.selected_regions()]

    def refresh(self) -> None:
        """Load every selected region; a newer refresh supersedes the load still running."""
        window = self.window
        services, navigator = window.services, window.navigator
        aws = services.aws
        if aws is None:
            return
        targets = window.current_targets()
        profile = navigator.current_profile()
        window.status.set_profile(profile, services.is_read_only(profile))
        window.status.set_regions([t.region for t in targets])
        if self._loaded_profile != (aws, profile):  # another account: never show the old one's rows
            self.loader.clear()
            self._loaded_profile = (aws, profile)
        self.loader.refresh(targets, profile or "default")

    def _started(self, keys: list[str]) -> None:
        if keys:
            self.window.navigator.model.follow(False)  # it syncs once per complete region
            self.window.navigator.show_status(f"Loading clusters from {len(keys)} region(s)…")

    def _show_progress(self) -> None:
        navigator = self.window.navigator
        navigator.model.sync()  # the list follows the tree now, not on its next turn
        errors = navigator.model.errors
        text = f"{navigator.model.cluster_count()} cluster(s)"
        if self._loader is not None and self._loader.pending:
            text += f"; waiting for {', '.join(sorted(k.split('/', 1)[-1] for k in self.loader.pending))}"
        if errors:
            text += "\n" + "\n".join(f"⚠ {r}: {e}" for r, e in sorted(errors.items()))
        navigator.show_status(text)

    def _finished(self, ok: bool, errors: list) -> None:
        window = self.window
        window.navigator.model.follow(True)
        if not self.loader.targets:
            window.navigator.show_status("Choose at least one region.")
        else:
            self._show_progress()
        if self.loader.load_count == 1 and window.navigator.model.cluster_count():
            window._show_home_if_empty()
        window.load_finished.emit(ok, list(errors))
