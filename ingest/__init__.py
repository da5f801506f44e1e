"""Ingestion: files on disk (PDF, HWP, HWPX, TXT/MD, CSV/XLSX, JSON) → records → the index in the home."""

import assistant  # noqa: F401  (sets the no-network environment defaults)
