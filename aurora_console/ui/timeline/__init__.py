"""Change timeline: one cluster's changes (RDS events, CloudTrail, the console's audit log,
migrations applied, what is pending) in one time-ordered list; and the same entries as markers
on the metrics charts (``window.add_chart_marker_source``: the metrics screen never imports this).

``install(window)`` registers the cluster action "Change timeline…", a tab restorer and the
chart marker source; the screen's modules are imported when it is first opened.
"""

from __future__ import annotations

TAB_KIND = "timeline"


def tab_key(ref, profile: str | None = None) -> str:
    return f"timeline:{profile or ref.profile or 'default'}:{ref.region}:{ref.cluster_id}"


def open_timeline(window, ref):
    """Open (or focus) the Change timeline of ``ref`` (a ClusterRef); it starts reading at once."""

    def make():
        from .controller import TimelineController
        from .reader import ClusterTimelineReader
        from .widget import TimelineTab

        controller = TimelineController(window.services.runner, ClusterTimelineReader(window.services, ref),
                                        title=ref.cluster_id)
        tab = TimelineTab(controller)
        controller.load()
        return tab

    spec = {"kind": TAB_KIND, "profile": ref.profile, "region": ref.region, "cluster_id": ref.cluster_id,
            "engine": ref.engine, "endpoint_url": ref.endpoint_url}
    key = tab_key(ref, window.services.profile_label(ref.profile))
    return window.open_tab(key, f"Timeline · {ref.cluster_id}", make, spec=spec)


def _restore(window, spec: dict) -> None:
    from aurora_console.core.aws.fleet.models import ClusterRef

    open_timeline(window, ClusterRef(spec.get("profile"), spec["region"], spec["cluster_id"], spec.get("engine", ""),
                                     spec.get("endpoint_url")))


def install(window) -> None:
    from .chart_markers import TimelineMarkers

    services = window.services

    def reader_for(ref):  # on a worker, when a metrics chart first asks for markers
        from .reader import ClusterTimelineReader

        return ClusterTimelineReader(services, ref)

    window.add_cluster_action("Change timeline…", lambda ref: open_timeline(window, ref))
    window.register_tab_restorer(TAB_KIND, lambda spec: _restore(window, spec), needs="aws")
    window.add_chart_marker_source("Changes", TimelineMarkers(reader_for))
