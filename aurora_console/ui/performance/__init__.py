"""The Performance screen ("why is it slow right now?"): sessions, blocking, top SQL, database
load, replication and an explained time window for one instance of a cluster."""


def install(window) -> None:
    """Feature entry point (see ``aurora_console.ui.features``)."""
    from .feature import install as _install

    _install(window)
