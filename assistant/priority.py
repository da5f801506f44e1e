"""Thread priority (스레드 우선순위): work that can wait runs nicer than the work an officer waits for.

Linux applies `setpriority(PRIO_PROCESS, <thread id>)` to that one thread (and to processes it starts).
Only ever lowered: raising a priority back needs privileges an office PC's service account lacks, so the
threads that call this are dedicated to the work that may wait (OCR runs, password checks).
"""

from __future__ import annotations

import os
import threading


def lower_this_thread(step: int) -> None:
    """Make the calling thread `step` nicer (at most 19); silently nothing where the OS does not allow it."""
    if step <= 0 or not hasattr(os, "setpriority"):
        return
    try:
        current = os.getpriority(os.PRIO_PROCESS, 0)
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), min(19, current + step))
    except OSError:
        pass
