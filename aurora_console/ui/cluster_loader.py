"""The navigator's cluster list: one load per selected region on the task runner, a newer
refresh superseding the loads still running (their rows never appear), and the window's
``load_finished`` signal once every region has answered."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aurora_console.core.aws.clusters import RegionClusters, list_clusters
from aurora_console.core.aws.session import AwsTarget

if TYPE_CHECKING:
    from aurora_console.ui.main_window import MainWindow


class ClusterLoader:
    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.loading = False
        self.load_count = 0
        self._generation = 0
        self._pending_regions: set[str] = set()
        self._errors: list[str] = []
        self._handles: list = []
        self._loaded_profile: tuple | None = None

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
        return [AwsTarget(name, r) for r in navigator.selected_regions()]

    def refresh(self) -> None:
        """Load every selected region; a newer refresh supersedes the loads still running."""
        window = self.window
        services, navigator = window.services, window.navigator
        aws = services.aws
        if aws is None:
            return
        for handle in self._handles:
            handle.cancel()
        self._handles = []
        self._generation += 1
        generation = self._generation
        targets = window.current_targets()
        profile = navigator.current_profile()
        window.status.set_profile(profile, services.is_read_only(profile))
        window.status.set_regions([t.region for t in targets])
        if self._loaded_profile != (aws, profile):  # another account: never show the old one's rows
            navigator.model.clear()
            self._loaded_profile = (aws, profile)
        if not targets:
            navigator.model.clear()
            navigator.show_status("Choose at least one region.")
            window.load_finished.emit(True, [])
            return
        self.loading = True
        self._pending_regions = {t.region for t in targets}
        self._errors = []
        stale = {s.ref.region for s in navigator.model.summaries()} - self._pending_regions
        for region in stale:
            navigator.model.set_region(RegionClusters(AwsTarget(None, region), []))
        navigator.show_status(f"Loading clusters from {len(targets)} region(s)…")
        for target in targets:
            def loaded(result, g=generation):
                self._region_loaded(result, g)

            def failed(exc, t=target, g=generation):
                self._region_loaded(RegionClusters(t, [], _as_aws_error(exc)), g)

            def cancelled(t=target, g=generation):
                self._region_loaded(RegionClusters(t, [], _as_aws_error(RuntimeError("cancelled"))), g)

            self._handles.append(services.runner.submit(
                lambda ctx, t=target: list_clusters(aws, t, ctx), name=f"List clusters ({target.region})",
                on_done=loaded, on_error=failed, on_cancelled=cancelled))

    def _region_loaded(self, result: RegionClusters, generation: int) -> None:
        if generation != self._generation:
            return  # a load for an earlier profile/region choice: its rows must not appear
        navigator = self.window.navigator
        navigator.model.set_region(result)
        if result.error is not None:
            self._errors.append(f"{result.target.region}: {result.error.user_text()}")
        self._pending_regions.discard(result.target.region)
        errors = navigator.model.errors
        count = len(navigator.model.summaries())
        text = f"{count} cluster(s)"
        if self._pending_regions:
            text += f"; waiting for {', '.join(sorted(self._pending_regions))}"
        if errors:
            text += "\n" + "\n".join(f"⚠ {r}: {e}" for r, e in sorted(errors.items()))
        navigator.show_status(text)
        if not self._pending_regions and self.loading:
            self.loading = False
            self._handles = []
            self.load_count += 1
            ok = not self._errors or count > 0
            if self.load_count == 1 and count:
                self.window._show_home_if_empty()
            self.window.load_finished.emit(ok, list(self._errors))


def _as_aws_error(exc: BaseException):
    from aurora_console.core.aws.errors import classify

    return classify(exc)
