"""The content editor screens (grids, post form, conflict dialog)."""


def install(window) -> None:
    """Feature entry point (see ``aurora_console.ui.features``)."""
    from .feature import install as _install

    _install(window)
