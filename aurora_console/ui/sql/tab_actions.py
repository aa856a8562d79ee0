"""The SQL tab's toolbar and keyboard shortcuts (F5, Ctrl+Enter, Esc, Ctrl+/, Ctrl+F...)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QLabel, QMenu, QSpinBox, QToolBar, QToolButton, QWidget


def _action(tab, bar: QToolBar | None, text: str, slot, shortcut=None, name: str = "", tip: str = "") -> QAction:
    a = QAction(text, tab)
    a.setObjectName(name)
    if shortcut:
        keys = shortcut if isinstance(shortcut, list) else [shortcut]
        a.setShortcuts([QKeySequence(k) for k in keys])
        a.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    a.setToolTip(tip or (f"{text} ({a.shortcut().toString()})" if shortcut else text))
    a.triggered.connect(lambda _checked=False: slot())
    tab.addAction(a)
    if bar is not None:
        bar.addAction(a)
    return a


def build_toolbar(tab) -> QToolBar:
    bar = QToolBar(objectName="sqlToolbar")
    bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
    tab.run_action = _action(tab, bar, "Run all", tab.run_all, "F5", "sqlRunAll")
    tab.run_statement_action = _action(tab, bar, "Run statement", tab.run_current, ["Ctrl+Return", "Ctrl+Enter"],
                                       "sqlRunStatement", "Run the selection or the statement under the cursor (Ctrl+Enter)")
    tab.stop_action = _action(tab, bar, "Stop", tab.cancel, "Esc", "sqlStop", "Cancel the running statement (Esc)")
    bar.addSeparator()
    tab.explain_action = _action(tab, bar, "Explain", lambda: tab.run_current("explain"), "Ctrl+E", "sqlExplain")
    tab.analyze_action = _action(tab, bar, "Analyze", lambda: tab.run_current("analyze"), "Ctrl+Shift+E",
                                 "sqlExplainAnalyze", "EXPLAIN (ANALYZE, BUFFERS): runs the statement")
    bar.addSeparator()
    tab.autocommit_action = QAction("Autocommit", tab, objectName="sqlAutocommit", checkable=True)
    tab.autocommit_action.setChecked(tab.session.settings.autocommit)
    tab.autocommit_action.toggled.connect(tab.set_autocommit)
    bar.addAction(tab.autocommit_action)
    tab.commit_action = _action(tab, bar, "Commit", lambda: tab.session_action("commit"), None, "sqlCommit")
    tab.rollback_action = _action(tab, bar, "Rollback", lambda: tab.session_action("rollback"), None, "sqlRollback")
    tab.tx_label = QLabel(objectName="sqlTxState")
    tab.tx_label.setToolTip("Transaction state of this tab's session")
    tab.tx_label.setContentsMargins(6, 0, 6, 0)
    bar.addWidget(tab.tx_label)
    bar.addSeparator()
    bar.addWidget(QLabel(" Timeout "))
    tab.timeout_spin = QSpinBox(objectName="sqlTimeout", minimum=0, maximum=86400, value=0)
    tab.timeout_spin.setToolTip("statement_timeout for this session, in seconds (0: none)")
    tab.timeout_spin.setSpecialValueText("none")
    tab.timeout_spin.setSuffix(" s")
    tab.timeout_spin.editingFinished.connect(lambda: tab.set_timeout(tab.timeout_spin.value()))
    bar.addWidget(tab.timeout_spin)
    tab.reconnect_action = _action(tab, bar, "Reconnect", lambda: tab.session_action("reconnect"), None, "sqlReconnect")
    bar.addSeparator()
    file_menu = QMenu(tab)
    file_menu.addAction(_action(tab, None, "Open…", lambda: _open(tab), "Ctrl+O", "sqlOpen"))
    file_menu.addAction(_action(tab, None, "Save", lambda: _save(tab), "Ctrl+S", "sqlSave"))
    file_menu.addAction(_action(tab, None, "Save as…", lambda: _save(tab, ask=True), "Ctrl+Shift+S", "sqlSaveAs"))
    file_menu.addSeparator()
    file_menu.addAction(_action(tab, None, "Save as snippet…",
                                lambda: tab.history_panel.save_snippet(_selection_or_all(tab)), None, "sqlSaveSnippet"))
    file_button = QToolButton(objectName="sqlFileButton", text="File", popupMode=QToolButton.ToolButtonPopupMode.InstantPopup)
    file_button.setMenu(file_menu)
    bar.addWidget(file_button)
    tab.history_action = QAction("History", tab, objectName="sqlHistory", checkable=True)
    tab.history_action.setToolTip("History of this profile's statements, and saved snippets")
    tab.history_action.toggled.connect(lambda on: _toggle_history(tab, on))
    bar.addAction(tab.history_action)
    _action(tab, None, "Toggle comment", tab.editor.toggle_comment, "Ctrl+/", "sqlToggleComment")
    _action(tab, None, "Find", lambda: tab.find_bar.open(), "Ctrl+F", "sqlFind")
    _action(tab, None, "Replace", lambda: tab.find_bar.open(replace=True), "Ctrl+H", "sqlReplace")
    _action(tab, None, "Complete", tab.completer.show_for_cursor, "Ctrl+Space", "sqlComplete")
    _action(tab, None, "Refresh completion", lambda: tab.load_completion(refresh=True), "Ctrl+Shift+Space",
            "sqlRefreshCompletion")
    return bar


def _selection_or_all(tab) -> str:
    cur = tab.editor.textCursor()
    return cur.selection().toPlainText() if cur.hasSelection() else tab.editor.toPlainText()


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
