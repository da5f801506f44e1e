"""Customs officers' assistant (세관 업무 도우미): index, retrieval, cited answers, label checks."""

import os

# Never phone home: Chroma telemetry, Gradio analytics, HF hub lookups. Set before any import of them.
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")

__version__ = "0.1.0"
