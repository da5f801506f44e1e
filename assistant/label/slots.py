"""Label checks that need OCR wait their turn (판독 대기열): first come, first served, `slots` at a time.

OCR is CPU-bound: on two cores, two checks reading at once finish sooner one by one than twenty sharing
the cores. So a check that needs OCR takes a ticket; while it waits, `report(position)` is called each
time the queue moves (1 = next), which the web app shows as "대기 순번 N". Checks a barcode or the
verdict cache settles never queue (checker.py).

>>> q = CheckQueue(1)
>>> with q.slot():
...     q.waiting
0
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager


class CheckQueue:
    def __init__(self, slots: int):
        self.slots = max(1, int(slots))
        self._cond = threading.Condition()
        self._running = 0
        self._tickets: deque[object] = deque()

    @property
    def waiting(self) -> int:
        with self._cond:
            return len(self._tickets)

    @property
    def running(self) -> int:
        with self._cond:
            return self._running

    @contextmanager
    def slot(self, report: Callable[[int], None] | None = None, poll_s: float = 0.5) -> Iterator[int]:
        """Hold one slot for the block; yields how many were waiting ahead when this one arrived."""
        ticket = object()
        with self._cond:
            self._tickets.append(ticket)
            ahead = len(self._tickets) - 1
            last = -1
            try:
                while self._running >= self.slots or self._tickets[0] is not ticket:
                    position = self._tickets.index(ticket) + 1
                    if report is not None and position != last:
                        last = position
                        self._cond.release()  # never call out while holding the lock
                        try:
                            report(position)
                        finally:
                            self._cond.acquire()
                        continue
                    self._cond.wait(poll_s)
            except BaseException:  # the caller went away (error in report, interrupt): give up the place
                self._tickets.remove(ticket)
                self._cond.notify_all()
                raise
            self._tickets.popleft()
            self._running += 1
            self._cond.notify_all()
        try:
            yield ahead
        finally:
            with self._cond:
                self._running -= 1
                self._cond.notify_all()

    def hold(self) -> Callable[[], None]:
        """Take every slot now (tests, maintenance); returns the function that gives them back."""
        with self._cond:
            while self._running:
                self._cond.wait()
            self._running = self.slots

        def release() -> None:
            with self._cond:
                self._running = 0
                self._cond.notify_all()

        return release
