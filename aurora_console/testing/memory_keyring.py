"""An in-memory keyring backend for tests and smoke runs (``PYTHON_KEYRING_BACKEND``)."""

from __future__ import annotations

import threading

from keyring.backend import KeyringBackend


class MemoryKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]
    _store: dict[tuple[str, str], str] = {}
    _lock = threading.Lock()

    @classmethod
    def clear(cls) -> None:
        with cls._lock:
            cls._store.clear()

    def get_password(self, service: str, username: str) -> str | None:
        with self._lock:
            return self._store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        with self._lock:
            self._store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        import keyring.errors

        with self._lock:
            if (service, username) not in self._store:
                raise keyring.errors.PasswordDeleteError(username)
            del self._store[(service, username)]
