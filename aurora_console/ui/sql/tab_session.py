"""Session actions of an SQL tab (commit, rollback, reconnect, autocommit, statement timeout)
and its completion words, each run on the tab's worker queue; results come back to the tab."""

from __future__ import annotations

from aurora_console.core.db.catalog import CatalogCache
from aurora_console.core.db.runs import session_call

_catalogs = CatalogCache()  # shared by the tabs: one catalog read per database


def session_action(tab, action: str, *args, done=None, error=None):
    """Run ``action`` on the tab's queue; ``done(state)`` after it, ``error(exc)`` when it fails
    (the tab shows the state the session is really in: a failed reconnect leaves it disconnected).
    Returns the task handle."""
    session = tab.session
    what = action.replace("_", " ")

    def finished(state) -> None:
        if tab.closed:
            return
        sync_autocommit(tab)
        tab.tx_state = state
        tab.message(f"{what}: done ({state.value})")
        tab._update_state()
        if done is not None:
            done(state)

    def failed(exc) -> None:
        if tab.closed:
            return
        sync_autocommit(tab)
        tab.tx_state = session.tx_state
        text = exc.user_text() if hasattr(exc, "user_text") else str(exc)
        tab.message(f"{what} failed: {text}")
        tab._update_state()
        if error is not None:
            error(exc)

    return tab.runner.submit(lambda ctx: session_call(session, action, *args), name=f"SQL {action}",
                             queue=tab.queue, on_done=finished, on_error=failed)


def sync_autocommit(tab) -> None:
    """The toolbar shows the session's real mode (a refused switch snaps back)."""
    action = tab.autocommit_action
    action.blockSignals(True)
    action.setChecked(tab.session.settings.autocommit)
    action.blockSignals(False)


def set_timeout(tab, seconds: int) -> None:
    ms = int(seconds) * 1000
    if ms != tab.session.settings.statement_timeout_ms and not tab.closed:
        session_action(tab, "set_statement_timeout", ms)


def load_completion(tab, refresh: bool = False) -> None:
    session = tab.session
    tab.runner.submit(lambda ctx: _catalogs.get(session, refresh=refresh, task=ctx).words(),
                      name="Load completion words", queue=tab.queue, on_done=tab.completer.set_words,
                      on_error=lambda exc: tab.message(f"Completion: could not read the catalog ({exc})"))
