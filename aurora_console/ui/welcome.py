"""First-run welcome page: open the sandbox, or use an AWS profile."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

from aurora_console import APP_NAME


class WelcomePage(QWidget):
    open_sandbox = Signal()
    use_profile = Signal()

    def __init__(self, profiles: list[str], parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("welcomePage")
        title = QLabel(f"<h1>Welcome to {APP_NAME}</h1>")
        # plain-text paragraphs: a word-wrapped rich-text label lays its whole document out again
        # for every width the layouts ask about (~15 M instructions, ~3 ms, of this first start's
        # page with this paragraph alone); a plain one measures its lines with the font
        intro = QLabel(
            "One window for your Aurora fleet: clusters and instances across profiles and regions, "
            "CloudWatch graphs, backups and recovery, SSH tunnels through your bastion, a SQL editor, "
            "migrations and content editing.", objectName="welcomeIntro", wordWrap=True)
        sandbox_intro = QLabel(
            "No AWS account at hand? The sandbox runs every screen on this machine: a local AWS "
            "endpoint seeded with clusters and metrics, a real PostgreSQL and a loopback bastion.",
            objectName="welcomeSandboxIntro", wordWrap=True)
        for paragraph in (intro, sandbox_intro):
            paragraph.setTextFormat(Qt.TextFormat.PlainText)
        self.sandbox_button = QPushButton("Open the sandbox", objectName="openSandboxButton")
        self.sandbox_button.setMinimumHeight(36)
        self.sandbox_button.clicked.connect(self.open_sandbox)
        self.sandbox_button.clicked.connect(lambda: self.update_sandbox_state(starting=True))
        # without the 'sandbox' extra the button could only fail: say what to install instead
        from aurora_console.sandbox.preflight import (
            EXTRA_COMMAND,
            SOURCE_COMMAND,
            SandboxExtraMissing,
            missing_modules,
        )

        missing = self._sandbox_missing = missing_modules()
        self.sandbox_button.setEnabled(not missing)
        self.sandbox_hint = QLabel(objectName="sandboxHint")
        self.sandbox_hint.setWordWrap(True)
        self.sandbox_hint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.sandbox_hint.setVisible(bool(missing))
        if missing:
            self.sandbox_hint.setText(
                f"The sandbox is not available: the <code>sandbox</code> extra is not installed (missing "
                f"Python modules: {', '.join(missing)}). Install it with <code>{EXTRA_COMMAND}</code> "
                f"(from a source checkout: <code>{SOURCE_COMMAND}</code>).")
            self.sandbox_button.setToolTip(SandboxExtraMissing(missing).user_text())
        self.profile_button = QPushButton("Use an AWS profile", objectName="useProfileButton")
        self.profile_button.setMinimumHeight(36)
        self.profile_button.clicked.connect(self.use_profile)
        if profiles:
            hint = f"Profiles found in your AWS config: {', '.join(profiles[:8])}{' …' if len(profiles) > 8 else ''}."
        else:
            hint = ("No AWS profile was found (~/.aws/config, or AWS_CONFIG_FILE). Create one with "
                    "<code>aws configure</code> or <code>aws configure sso</code>, then pick it in the navigator.")
        # with no profile the navigator's list is empty: the button would open an empty list
        self.profile_button.setEnabled(bool(profiles))
        self.profile_hint = QLabel(hint, objectName="profileHint")
        self.profile_hint.setWordWrap(True)
        box = QWidget()
        box.setMaximumWidth(640)
        lay = QVBoxLayout(box)
        lay.addWidget(title)
        lay.addWidget(intro)
        lay.addSpacing(6)
        lay.addWidget(sandbox_intro)
        lay.addSpacing(12)
        lay.addWidget(self.sandbox_button)
        lay.addWidget(self.sandbox_hint)
        lay.addWidget(self.profile_button)
        lay.addWidget(self.profile_hint)
        lay.addStretch(1)
        outer = QVBoxLayout(self)
        outer.addWidget(box, 0, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self._state_timer = QTimer(self, interval=500)  # while the sandbox starts
        self._state_timer.timeout.connect(self.update_sandbox_state)

    # -- the sandbox already open or starting: no button that would only open it again ------------
    def showEvent(self, event) -> None:  # noqa: N802 - Qt naming
        super().showEvent(event)
        self.update_sandbox_state()

    def update_sandbox_state(self, starting: bool = False) -> None:
        """"Sandbox running" (disabled) once the window uses it; "Starting the sandbox…" meanwhile."""
        if self._sandbox_missing:
            return  # the missing extra's message stays
        services = getattr(self.window(), "services", None)
        controller = services.sandbox_controller.get() if services is not None else None
        running = services is not None and services.sandbox is not None
        starting = not running and (starting or (controller is not None and controller.started))
        if running:
            text, tip = "Sandbox running", "The sandbox is open: its clusters are in the navigator."
        elif starting:
            text, tip = "Starting the sandbox…", "The sandbox is starting (progress in the status bar)."
        else:
            text, tip = "Open the sandbox", ""
        self.sandbox_button.setText(text)
        self.sandbox_button.setToolTip(tip)
        self.sandbox_button.setEnabled(not running and not starting)
        if starting:
            self._state_timer.start()
        else:
            self._state_timer.stop()
