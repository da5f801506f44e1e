"""Fixtures for this folder; the helpers themselves live in retrieval_helpers.py, imported by that unique name
(two modules named `conftest` in one pytest run shadow each other)."""

from retrieval_helpers import *  # noqa: F401,F403
