"""Timing a piece of Qt work until the event loop is idle: everything it set off included.

Opening an article in the window does more than the call: it posts events (layouts,
paints), starts zero-timers (the second step of a progressive opening, the reader's
highlight catch-up) and deletes the document it replaced later. Qt 6 has no
``hasPendingEvents``, and a bare ``processEvents()`` can return before a zero-timer
started by an event it handled has fired. So:

- an event filter on the application counts every event delivered, to any object;
- the work is started from inside a running ``QEventLoop`` (as a click would start it, so
  that ``deleteLater`` is honoured as in the app), and the clock starts there;
- a probe, a repeating 0 ms timer, fires once per pass of the loop; a pass in which
  nothing but the probe was delivered is quiet: no posted event was pending and no due
  timer fired;
- the work is done (``Settled.seconds``) at the end of the last busy pass before
  ``passes`` quiet passes in a row.

What runs later on timers with an interval is not the work: Qt lays the rest of a long
document out in the background, a step every few milliseconds with the loop asleep in
between, and the user reads the first screen meanwhile. To show it anyway the clock goes
on until nothing at all was delivered for ``quiet`` seconds (``Settled.quiet_seconds``).
Timers that fire while the application is idle anyway - the library watcher's poll, a
cursor's blink - belong to neither: ``calibrate`` lets the loop run idle for a while and
notes which objects receive timer events then; their timer events are not counted.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, QEventLoop, QObject, QTimer


def _address(obj: QObject) -> int:
    return int(shiboken6.getCppPointer(obj)[0])


@dataclass
class Settled:
    """What ``IdleClock.run`` measured."""

    seconds: float  # from the start of the work to the end of its last busy pass
    events: int  # events delivered until then (the probe's not counted)
    quiet_seconds: float  # to the last event before ``quiet`` seconds without any
    painted: set[int] = field(default_factory=set)  # what got a Paint event by ``seconds``


class IdleClock(QObject):
    """Times work until the application is idle (see the module's docstring)."""

    def __init__(self, app: QCoreApplication, passes: int = 5, quiet: float = 0.05) -> None:
        super().__init__()
        self.app = app
        self.passes = passes
        self.quiet = quiet
        self.ignored: set[int] = set()  # objects whose timer events are background noise
        self.probe = QTimer()
        self.probe.setInterval(0)
        self.probe.timeout.connect(self._pass)
        self._probe_address = _address(self.probe)
        self._counting = False
        self._events = 0
        self._timers: set[int] = set()
        self._painted: set[int] = set()
        self._check: Callable[[], None] = lambda: None
        app.installEventFilter(self)

    def close(self) -> None:
        self.app.removeEventFilter(self)
        self.probe.stop()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if not self._counting:
            return False
        kind = event.type()
        if kind == QEvent.Type.Timer:
            address = _address(watched)
            if address == self._probe_address:
                return False
            self._timers.add(address)
            if address in self.ignored:
                return False
        elif kind == QEvent.Type.Paint:
            self._painted.add(_address(watched))
        self._events += 1
        return False

    def calibrate(self, seconds: float = 1.5) -> set[int]:
        """Runs the loop idle for ``seconds``; the objects that got timer events meanwhile
        are ignored from now on. Returns them."""
        self._timers = set()
        self._counting = True
        loop = QEventLoop()
        QTimer.singleShot(round(seconds * 1000), loop.quit)
        loop.exec()
        self._counting = False
        self.ignored |= self._timers
        return set(self._timers)

    def run(self, work: Callable[[], object], limit: float = 30.0) -> Settled:
        """Starts ``work`` from inside the event loop and runs the loop until idle, then on
        until nothing happened for ``quiet`` seconds."""
        loop = QEventLoop()
        state = {"began": 0.0, "busy_until": 0.0, "seen": 0, "quiet": 0,
                 "idle_at": -1.0, "idle_events": 0}
        self._painted = set()
        painted: set[int] = set()  # what was painted by the time the work was done

        def start() -> None:
            self._events = 0
            self._counting = True
            state["began"] = time.perf_counter()
            work()
            state["busy_until"] = time.perf_counter()
            state["seen"] = self._events
            self.probe.start()

        def check() -> None:
            now = time.perf_counter()
            if self._events != state["seen"]:
                state["seen"] = self._events
                state["busy_until"] = now
                state["quiet"] = 0
                return
            state["quiet"] += 1
            if state["quiet"] >= self.passes and state["idle_at"] < 0:
                state["idle_at"] = state["busy_until"]
                state["idle_events"] = state["seen"]
                painted.update(self._painted)
            if (state["idle_at"] >= 0 and now - state["busy_until"] >= self.quiet) \
                    or now - state["began"] > limit:
                self.probe.stop()
                loop.quit()

        self._check = check
        QTimer.singleShot(0, start)
        loop.exec()
        self._counting = False
        if time.perf_counter() - state["began"] > limit:
            raise RuntimeError(f"never idle within {limit:g} s")
        return Settled(state["idle_at"] - state["began"], int(state["idle_events"]),
                       state["busy_until"] - state["began"], painted)

    def _pass(self) -> None:
        self._check()

    def address(self, obj: QObject) -> int:
        """The key ``Settled.painted`` uses for ``obj``."""
        return _address(obj)
