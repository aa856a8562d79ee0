"""A screen's connection to a profile that opens on first use (an SQL editor tab connects on its
first statement, not when the tab opens).

``ensure(then, failed)`` opens the profile once, through the window's ``ConnectionsController``
(the one prompt path every screen uses: trusting the bastion's host key, the key passphrase, an
"ask each time" password, again after a refused one), on the screen's queue; ``then()`` runs on
the UI thread once it is open. Afterwards the object itself is the screen's connection source:
called on the screen's worker, it makes a new connection from the opened profile (again after a
dropped one). The UI thread never waits for the network.
"""

from __future__ import annotations

from collections.abc import Callable

from aurora_console.core.errors import ConsoleError


class OnDemandConnection:
    def __init__(self, controller, profile: str, *, queue: str, application_name: str = "aurora-console",
                 runner=None) -> None:
        self.controller = controller
        self.profile = profile
        self.queue = queue
        self.application_name = application_name
        self.runner = runner  # closes what was opened, off the UI thread
        self.opened = None  # the core DatabaseConnection once open
        self.opening = None  # the PromptedTask of the open in progress
        self.closed = False

    @property
    def ready(self) -> bool:
        return self.opened is not None

    @property
    def read_only(self) -> bool:
        return self.opened is not None and self.opened.read_only

    def ensure(self, then: Callable[[], None], failed: Callable[[BaseException], None],
               cancelled: Callable[[], None] | None = None):
        """``then()`` at once when open; otherwise open first (asking what the profile needs) and
        return the open's ``PromptedTask`` (cancel it to stop). ``failed(exc)``: it could not be
        opened, or the user cancelled a question (the error then says which)."""
        if self.opened is not None:
            then()
            return None
        if self.controller is None:
            failed(ConsoleError("The connections feature did not load, so profiles cannot be opened."))
            return None

        def done(opened) -> None:
            self.opening = None
            if self.closed:  # the screen closed while the profile opened
                self._close(opened)
                return
            self.opened = opened
            then()

        def error(exc: BaseException) -> None:
            self.opening = None
            failed(exc)

        def declined(what: str, exc: BaseException) -> None:
            from aurora_console.ui.connections.controller import declined_text

            error(ConsoleError(f"Not connected to {self.profile!r}: {declined_text(what)}.", detail=str(exc)))

        def stopped() -> None:
            self.opening = None
            if cancelled is not None:
                cancelled()

        self.opening = self.controller.open_source(self.profile, queue=self.queue, on_done=done, on_error=error,
                                                   on_declined=declined, on_cancelled=stopped,
                                                   application_name=self.application_name)
        return self.opening

    def __call__(self):
        """A new DB-API connection (on the screen's worker thread)."""
        opened = self.opened
        if opened is None:
            raise ConsoleError(f"The profile {self.profile!r} is not open yet.",
                               hint="Run a statement: the tab connects on its first run.")
        return opened.connect()

    def close(self) -> None:
        """Forget the opened profile and shut what opening it started (an unshared tunnel), on the
        calling thread (the screen's worker, where its session closes); a profile still opening
        is closed when it arrives. Cancelling an open in progress is the screen's (``ensure``'s handle)."""
        self.closed = True
        opened, self.opened = self.opened, None
        if opened is not None:
            opened.close()

    def _close(self, opened) -> None:
        """Close a late arrival (UI thread): off the UI thread when the runner still runs."""
        if self.runner is not None and not getattr(self.runner, "closed", False):
            self.runner.submit(lambda ctx: opened.close(), name=f"Close {self.profile}")
        else:
            opened.close()
