"""The sandbox endpoint's gate while it is being seeded: the fleet listing first, the rest waits.

The sandbox seeds its endpoint in two stages (``sandbox/aws_seed.py``): the clusters and their
instances, which the first fleet listing shows, then their surroundings (snapshot, event
subscription, SSM parameters, secrets, the bastion's EC2 instance). The window lists the
clusters as soon as the first stage is done. A screen opened before the second stage ends
(Snapshots, the blog's connection with its SSM password, a tunnel through the bastion's
instance, CloudTrail's history...) must not see a half-seeded account, so while the gate is
closed the endpoint answers only

* the seeder's own requests (their User-Agent carries :data:`SEEDER_AGENT`),
* the calls of the fleet listing (:data:`LISTING_ACTIONS` of the RDS API),
* moto's own API (``/moto-api/``: reset, used by tests and the re-seed),

and holds every other request until the gate opens: the screen shows its usual loading state
meanwhile and then the seeded data. The first held request asks for the second stage at once
(``on_hold``), so nothing waits on a stage nobody started; a request is never held longer than
``max_hold`` seconds (a failed seed opens the gate too, and the screens show what is there).

The listing goes first: the second stage runs in the endpoint's process while the window lists
the clusters, and the seeder's requests (answered in this process, ``wsgi_transport.py``) held
the interpreter lock while each listing request waited for it at every read and write of its
socket (the lock changes hands every 5 ms): 40-90 ms per listing call instead of 4-20. So while
the gate is closed the seeder calls :meth:`SeedGate.give_way` before each request: it waits while
a listing request is being answered, and :data:`LISTING_LINGER_S` after the last one ended (the
console sends the next call of its listing right after parsing an answer), at most
:data:`GIVE_WAY_MAX_S` each time.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

from aurora_console.sandbox.wsgi_body import query_params, read_body

log = logging.getLogger(__name__)

#: the User-Agent mark of the seeder's clients (``botocore.config.Config(user_agent_extra=...)``)
SEEDER_AGENT = "aurora-console-sandbox-seed"
#: what the fleet listing calls (core/aws/fleet/inventory.py): answered from the clusters' stage
LISTING_ACTIONS = frozenset({
    "DescribeDBClusters", "DescribeDBInstances", "DescribeDBClusterEndpoints", "DescribeGlobalClusters",
    "DescribeDBProxies", "DescribeDBProxyTargets", "DescribePendingMaintenanceActions",
})
#: how long the seeder keeps giving way after a listing request ended (the next one of the listing
#: usually follows within 2-5 ms: the console parses the answer, then sends the next call). Kept
#: short: each wait that no listing request ends is time the second stage, which the database
#: check waits for, does not run (30 ms made it 0.1-0.2 s longer on a loaded machine)
LISTING_LINGER_S = 0.01
#: the longest one :meth:`SeedGate.give_way` waits (a console listing again and again does not
#: stop the seed)
GIVE_WAY_MAX_S = 0.5
_CREDENTIAL = re.compile(r"Credential=[^/,\s]+/[0-9]{8}/[a-z0-9-]+/(?P<service>[a-z0-9-]+)/aws4_request")


def is_listing_request(environ: dict[str, Any]) -> bool:
    """An RDS Query API call of the fleet listing (reads the body and leaves it readable)."""
    credential = _CREDENTIAL.search(environ.get("HTTP_AUTHORIZATION", ""))
    if credential is None or credential["service"] != "rds" or environ.get("REQUEST_METHOD") != "POST":
        return False
    params = query_params(read_body(environ)) or {}
    return params.get("Action") in LISTING_ACTIONS


class SeedGate:
    """Open (passes everything) until :meth:`close`; see the module docstring."""

    def __init__(self, max_hold: float = 120.0, *, linger: float = LISTING_LINGER_S,
                 give_way_max: float = GIVE_WAY_MAX_S) -> None:
        self.max_hold = max_hold
        self.linger = linger
        self.give_way_max = give_way_max
        self._open = threading.Event()
        self._open.set()
        self._lock = threading.Lock()
        self._on_hold: Callable[[], None] | None = None
        self._asked = False
        self.held = 0  # requests held since the last close (tests and the log read it)
        # the listing requests being answered while the gate is closed, and when the last one ended
        self._listing_changed = threading.Condition(threading.Lock())
        self._listing = 0
        self._listing_ended = float("-inf")

    @property
    def is_open(self) -> bool:
        return self._open.is_set()

    def close(self, on_hold: Callable[[], None] | None = None) -> None:
        """Hold requests from now on; ``on_hold`` is called (once, on the holding request's thread,
        so it must not block) when the first request is held."""
        with self._lock:
            self._on_hold, self._asked, self.held = on_hold, False, 0
            self._open.clear()

    def open(self) -> None:
        """Release every held request and pass all from now on."""
        with self._lock:
            self._on_hold = None
        self._open.set()

    def admits(self, environ: dict[str, Any]) -> bool:
        """Whether a request passes at once (the gate open, the seeder, the listing, moto's API)."""
        return self.verdict(environ) != HOLD

    def verdict(self, environ: dict[str, Any]) -> str:
        """:data:`PASS` (the gate open, the seeder, moto's API), :data:`LISTING` (the gate closed:
        a call of the fleet listing, answered before the seeder's next request) or :data:`HOLD`."""
        if self._open.is_set():
            return PASS
        if environ.get("PATH_INFO", "").startswith("/moto-api"):
            return PASS
        if SEEDER_AGENT in environ.get("HTTP_USER_AGENT", ""):
            return PASS
        return LISTING if is_listing_request(environ) else HOLD

    def listing_began(self) -> None:
        with self._listing_changed:
            self._listing += 1

    def listing_ended(self) -> None:
        with self._listing_changed:
            self._listing -= 1
            self._listing_ended = time.monotonic()
            self._listing_changed.notify_all()

    def give_way(self) -> None:
        """The seeder's turn comes after the listing's: wait while a listing request is being
        answered or one ended less than ``linger`` seconds ago (at most ``give_way_max`` seconds).
        Returns at once when no listing runs (always while the gate is open)."""
        deadline = time.monotonic() + self.give_way_max
        with self._listing_changed:
            while True:
                now = time.monotonic()
                if self._listing:
                    until = deadline
                else:
                    until = min(deadline, self._listing_ended + self.linger)
                if until <= now:
                    return
                self._listing_changed.wait(until - now)

    def wait(self) -> bool:
        """Hold the calling request until the gate opens (at most ``max_hold`` s); True if it opened."""
        with self._lock:
            self.held += 1
            ask = None if self._asked else self._on_hold
            self._asked = True
        if ask is not None:
            try:
                ask()
            except Exception:  # noqa: BLE001 - the request still waits for whoever seeds
                log.exception("asking for the rest of the sandbox seed failed")
        opened = self._open.wait(self.max_hold)
        if not opened:
            log.warning("a request waited %.0f s for the sandbox seed; answering it anyway", self.max_hold)
        return opened


#: :meth:`SeedGate.verdict`'s answers
PASS, LISTING, HOLD = "pass", "listing", "hold"


class _AnswerThen:
    """A WSGI answer that calls ``then`` once it is closed (written out or dropped)."""

    def __init__(self, answer: Iterable[bytes], then: Callable[[], None]) -> None:
        self._answer = answer
        self._then: Callable[[], None] | None = then

    def __iter__(self):
        return iter(self._answer)

    def close(self) -> None:
        try:
            close = getattr(self._answer, "close", None)
            if close is not None:
                close()
        finally:
            then, self._then = self._then, None
            if then is not None:
                then()


class SeedGateWsgi:
    """WSGI layer in front of the endpoint's other layers: holds requests while the gate is closed."""

    def __init__(self, app: Callable, gate: SeedGate) -> None:
        self.app = app
        self.gate = gate

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        gate = self.gate
        verdict = gate.verdict(environ)
        if verdict == HOLD:
            log.debug("holding %s %s until the sandbox is seeded", environ.get("REQUEST_METHOD"),
                      environ.get("PATH_INFO"))
            gate.wait()
        elif verdict == LISTING:  # the seeder gives way until its answer is written (module docstring)
            gate.listing_began()
            try:
                return _AnswerThen(self.app(environ, start_response), gate.listing_ended)
            except BaseException:
                gate.listing_ended()
                raise
        return self.app(environ, start_response)
