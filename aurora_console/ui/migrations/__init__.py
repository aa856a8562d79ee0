"""The migrations screen: pending/applied migrations, dry run, apply with progress, validate."""


def install(window) -> None:
    """Feature entry point (see ``aurora_console.ui.features``)."""
    from .feature import install as _install

    _install(window)
