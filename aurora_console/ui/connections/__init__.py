"""Connection profiles and bastion tunnels: editor, tunnel manager panel, host key trust, status."""


def install(window) -> None:
    """Feature entry point (see ``aurora_console.ui.features``)."""
    from .feature import install as _install

    _install(window)
