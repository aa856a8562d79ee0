"""The SQL tab's toolbar and keyboard shortcuts (F5, Ctrl+Enter, Esc, Ctrl+/, Ctrl+F...)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QLabel, QMenu, QSpinBox, QToolBar, QToolButton, QWidget

from aurora_console.core.db.session import TxState


class SqlToolbar(QToolBar):
    """The SQL tab's toolbar. Its actions are added to the tab too, so their shortcuts work
    anywhere in the tab; :meth:`render` shows a :class:`SqlRunController`'s state."""

    def __init__(self, tab) -> None:
        super().__init__(objectName="sqlToolbar")
        self._tab = tab
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        add = self._action
        self.run_action = add("Run all", tab.run_all, "F5", "sqlRunAll")
        self.run_statement_action = add("Run statement", tab.run_current, ["Ctrl+Return", "Ctrl+Enter"],
                                        "sqlRunStatement",
                                        "Run the selection or the statement under the cursor (Ctrl+Enter)")
        self.stop_action = add("Stop", tab.cancel, "Esc", "sqlStop", "Cancel the running statement (Esc)")
        self.addSeparator()
        self.explain_action = add("Explain", lambda: tab.run_current("explain"), "Ctrl+E", "sqlExplain")
        self.analyze_action = add("Analyze", lambda: tab.run_current("analyze"), "Ctrl+Shift+E",
                                  "sqlExplainAnalyze", "EXPLAIN (ANALYZE, BUFFERS): runs the statement")
        self.addSeparator()
        self.autocommit_action = QAction("Autocommit", tab, objectName="sqlAutocommit", checkable=True)
        self.autocommit_action.setChecked(tab.session.settings.autocommit)
        self.autocommit_action.toggled.connect(tab.set_autocommit)
        self.addAction(self.autocommit_action)
        self.commit_action = add("Commit", lambda: tab.session_action("commit"), None, "sqlCommit")
        self.rollback_action = add("Rollback", lambda: tab.session_action("rollback"), None, "sqlRollback")
        self.tx_label = QLabel(objectName="sqlTxState")
        self.tx_label.setToolTip("Transaction state of this tab's session")
        self.tx_label.setContentsMargins(6, 0, 6, 0)
        self.addWidget(self.tx_label)
        self.addSeparator()
        self.addWidget(QLabel(" Timeout "))
        self.timeout_spin = QSpinBox(objectName="sqlTimeout", accessibleName="Statement timeout in seconds (0: none)", minimum=0, maximum=86400, value=0)
        self.timeout_spin.setToolTip("statement_timeout for this session, in seconds (0: none)")
        self.timeout_spin.setSpecialValueText("none")
        self.timeout_spin.setSuffix(" s")
        self.timeout_spin.editingFinished.connect(lambda: tab.set_timeout(self.timeout_spin.value()))
        self.addWidget(self.timeout_spin)
        self.reconnect_action = add("Reconnect", lambda: tab.session_action("reconnect"), None, "sqlReconnect")
        self.addSeparator()
        file_menu = QMenu(tab)
        file_menu.addAction(add("Open…", lambda: _open(tab), "Ctrl+O", "sqlOpen", bar=False))
        file_menu.addAction(add("Save", lambda: _save(tab), "Ctrl+S", "sqlSave", bar=False))
        file_menu.addAction(add("Save as…", lambda: _save(tab, ask=True), "Ctrl+Shift+S", "sqlSaveAs", bar=False))
        file_menu.addSeparator()
        file_menu.addAction(add("Save as snippet…", lambda: tab.history_panel.save_snippet(_selection_or_all(tab)),
                                None, "sqlSaveSnippet", bar=False))
        file_button = QToolButton(objectName="sqlFileButton", text="File",
                                  popupMode=QToolButton.ToolButtonPopupMode.InstantPopup)
        file_button.setMenu(file_menu)
        self.addWidget(file_button)
        self.history_action = QAction("History", tab, objectName="sqlHistory", checkable=True)
        self.history_action.setToolTip("History of this profile's statements, and saved snippets")
        self.history_action.toggled.connect(lambda on: _toggle_history(tab, on))
        self.addAction(self.history_action)
        add("Toggle comment", tab.editor.toggle_comment, "Ctrl+/", "sqlToggleComment", bar=False)
        add("Find", lambda: tab.find_bar.open(), "Ctrl+F", "sqlFind", bar=False)
        add("Replace", lambda: tab.find_bar.open(replace=True), "Ctrl+H", "sqlReplace", bar=False)
        add("Complete", tab.completer.show_for_cursor, "Ctrl+Space", "sqlComplete", bar=False)
        add("Refresh completion", lambda: tab.load_completion(refresh=True), "Ctrl+Shift+Space",
            "sqlRefreshCompletion", bar=False)

    def _action(self, text: str, slot, shortcut=None, name: str = "", tip: str = "", *, bar: bool = True) -> QAction:
        a = QAction(text, self._tab)
        a.setObjectName(name)
        if shortcut:
            keys = shortcut if isinstance(shortcut, list) else [shortcut]
            a.setShortcuts([QKeySequence(k) for k in keys])
            a.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        a.setToolTip(tip or (f"{text} ({a.shortcut().toString()})" if shortcut else text))
        a.triggered.connect(lambda _checked=False: slot())
        self._tab.addAction(a)
        if bar:
            self.addAction(a)
        return a

    def render(self, state) -> None:
        """Show ``state`` (a SqlRunController): the transaction label and which actions apply."""
        tx = state.tx_state
        self.tx_label.setText(state.tx_text)
        self.tx_label.setProperty("state", tx.name.lower())
        color = {TxState.IN_TRANSACTION: "#c08000", TxState.FAILED: "#d03030"}.get(tx, "")
        self.tx_label.setStyleSheet(f"color: {color}; font-weight: bold;" if color else "")
        self.commit_action.setEnabled(state.can_commit)
        self.rollback_action.setEnabled(state.can_rollback)
        for action in (self.run_action, self.run_statement_action, self.explain_action, self.analyze_action):
            action.setEnabled(state.can_run)
        self.stop_action.setEnabled(state.can_stop)
        self.autocommit_action.setEnabled(state.can_switch_autocommit)

    def show_autocommit(self, on: bool) -> None:
        """The session's real mode, after a session action (a refused switch snaps back)."""
        self.autocommit_action.blockSignals(True)
        self.autocommit_action.setChecked(on)
        self.autocommit_action.blockSignals(False)


def _selection_or_all(tab) -> str:
    selected = tab.editor.selected_sql()  # the exact text, also of a folded file (no row breaks)
    return selected[0] if selected is not None else tab.editor.sql_text()


def _toggle_history(tab, on: bool) -> None:
    tab.history_panel.setVisible(on)
    if on:
        tab.history_panel.reload()


def _open(tab: QWidget) -> None:
    path, _ = QFileDialog.getOpenFileName(tab, "Open SQL file", "", "SQL files (*.sql);;All files (*)")
    if path:
        tab.open_file(path)


def _save(tab, ask: bool = False) -> None:
    path = tab.path
    if ask or not path:
        path, _ = QFileDialog.getSaveFileName(tab, "Save SQL file", path or "query.sql", "SQL files (*.sql)")
        if not path:
            return
    tab.save_file(path)
