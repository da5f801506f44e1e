"""Verdicts kept by photo content (판정 캐시): the same photo bytes, checked against the same lists and
regulations, get the same verdict without reading it again.

The key is the SHA-256 of every photo of the check (in order) plus the index generation the verdict was
made at (`Index.generation()` moves on every committed ingest: a new list or a re-ingested regulation
drops every cached verdict). Least recently used entries go first when `size` is reached; size 0 is off.

>>> c = VerdictCache(2)
>>> c.put(("a",), 1, {"verdict": "hazard"}); c.get(("a",), 1)
{'verdict': 'hazard'}
>>> c.get(("a",), 2) is None  # the lists changed
True
"""

from __future__ import annotations

import copy
import hashlib
import threading
from collections import OrderedDict
from typing import Any


def photo_key(data: list[bytes]) -> tuple[str, ...]:
    return tuple(hashlib.sha256(d).hexdigest() for d in data)


class VerdictCache:
    def __init__(self, size: int = 256):
        self.size = max(0, int(size))
        self._items: OrderedDict[tuple[str, ...], tuple[Any, Any]] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, key: tuple[str, ...], generation: Any) -> Any | None:
        """A deep copy of the cached value (callers may change it), or None."""
        if not self.size:
            return None
        with self._lock:
            item = self._items.get(key)
            if item is None or item[0] != generation:
                if item is not None:
                    del self._items[key]
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return copy.deepcopy(item[1])

    def put(self, key: tuple[str, ...], generation: Any, value: Any) -> None:
        if not self.size:
            return
        with self._lock:
            self._items[key] = (generation, copy.deepcopy(value))
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def __len__(self) -> int:
        return len(self._items)
