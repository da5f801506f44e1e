"""Retrieval: filters, fusion, reranking and the hybrid Retriever (검색).

Import what you need from the submodules; this package imports nothing heavy.
"""

from typing import Any

_LAZY = {"build_retriever": "retriever", "Retriever": "retriever", "Hit": "hit", "Filters": "filters"}


def __getattr__(name: str) -> Any:  # `from assistant.retrieval import build_retriever` without eager imports
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f"assistant.retrieval.{_LAZY[name]}"), name)
    raise AttributeError(name)
