"""The index in the home: SQLite (truth) + BM25 (keyword) + Chroma (dense). See `index.Index`."""
