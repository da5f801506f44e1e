"""Exclusive ingest lock (색인 잠금): `<home>/ingest.lock`, fcntl.flock.

flock locks belong to the open file and vanish when the process dies (even by SIGKILL), so there
is no stale-lock problem. The holder writes its pid into the file, only to name it in the message.
"""

from __future__ import annotations

import fcntl
import os
import time
from pathlib import Path

from assistant.errors import IndexBusy


class FileLock:
    """Re-entrant within one object; exclusive across processes (and across objects)."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._fd: int | None = None
        self._depth = 0

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self, wait_s: float = 0) -> None:
        if self._fd is not None:
            self._depth += 1
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + max(0.0, wait_s)
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = _read_pid(fd)
                    os.close(fd)
                    who = f" (pid {holder})" if holder else ""
                    raise IndexBusy(
                        f"다른 색인 작업이 진행 중입니다{who}. 끝난 뒤 다시 실행하세요 (잠금 파일: {self.path}).",
                        f"Another indexing job is running{who}. Try again when it has finished (lock: {self.path}).",
                    ) from None
                time.sleep(min(0.1, max(0.01, deadline - time.monotonic())))
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self._fd = fd
        self._depth = 1

    def release(self) -> None:
        if self._fd is None:
            return
        self._depth -= 1
        if self._depth > 0:
            return
        fd, self._fd = self._fd, None
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
