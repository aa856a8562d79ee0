"""The SQL editor: tabs bound to a connection profile, streamed results, plans, history."""


def install(window) -> None:
    """Feature entry point (see ``aurora_console.ui.features``)."""
    from .feature import install as _install

    _install(window)
