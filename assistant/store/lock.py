"""Exclusive ingest lock (색인 잠금): `<home>/ingest.lock`, fcntl.flock.

flock locks belong to the open file and vanish when the process dies (even by SIGKILL), so there
is no stale-lock problem. Inside one process, another thread counts as another holder (an upload
ingest in the app must not interleave with a query thread's auto-sync). The holder writes its pid into the file, only to name it in the message.
"""

from __future__ import annotations

import fcntl
import os
import threading
import time
from pathlib import Path

from assistant.errors import IndexBusy


class FileLock:
    """Re-entrant for the thread that holds it; exclusive across threads, objects and processes."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._fd: int | None = None
        self._owner: int | None = None
        self._depth = 0
        self._state = threading.Lock()

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self, wait_s: float = 0) -> None:
        me = threading.get_ident()
        with self._state:
            if self._fd is not None and self._owner == me:
                self._depth += 1
                return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        deadline = time.monotonic() + max(0.0, wait_s)
        while True:
            with self._state:
                if self._fd is None:
                    fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
                    try:
                        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    except BlockingIOError:
                        holder = _read_pid(fd)
                        os.close(fd)
                    else:
                        os.ftruncate(fd, 0)
                        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
                        self._fd, self._owner, self._depth = fd, me, 1
                        return
                else:
                    holder = str(os.getpid())  # another thread of this process
            if time.monotonic() >= deadline:
                who = f" (pid {holder})" if holder else ""
                raise IndexBusy(
                    f"다른 색인 작업이 진행 중입니다{who}. 끝난 뒤 다시 실행하세요 (잠금 파일: {self.path}).",
                    f"Another indexing job is running{who}. Try again when it has finished (lock: {self.path}).",
                )
            time.sleep(min(0.1, max(0.01, deadline - time.monotonic())))

    def release(self) -> None:
        with self._state:
            if self._fd is None or self._owner != threading.get_ident():
                return
            self._depth -= 1
            if self._depth > 0:
                return
            fd, self._fd, self._owner = self._fd, None, None
            try:
                fcntl.flock(fd, fcntl.LOCK_UN)
            finally:
                os.close(fd)

    def __enter__(self) -> FileLock:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def _read_pid(fd: int) -> str:
    try:
        return os.pread(fd, 32, 0).decode().strip()
    except OSError:
        return ""
