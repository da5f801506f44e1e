"""SQLite, the source of truth (원장): manifest, records, list tables, BM25 token cache, meta.

Every change to a file's records is ONE transaction (delete old rows, insert new, update the
manifest, bump the generation), so a SIGKILL leaves either the old or the new state of that file.
WAL mode lets readers (the app) query while an ingest writes.

Tables
- sources      manifest: one row per ingested file (key = absolute path)
- records      id (content hash) PK, source_key, kind, source, locator, title, text, metadata JSON, ordinal
- products     hazard-list rows (위해식품) for the label checker; product_barcodes for exact barcode lookups
- ingredients  ingredient-list rows (반입차단 원료·성분)
- tokens       BM25 token cache (derived; filled by sync, cleared with the record)
- meta         generation counter and stamps
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from assistant.errors import AssistantError
from assistant.records import Record
from assistant.store.lists import INGREDIENT_FIELDS, PRODUCT_FIELDS, barcodes_of, insert_structured

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sources (
  key TEXT PRIMARY KEY, source TEXT NOT NULL, kind TEXT NOT NULL, sha256 TEXT NOT NULL,
  size INTEGER NOT NULL, records INTEGER NOT NULL, ingested_at TEXT NOT NULL, path TEXT NOT NULL,
  embedder TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS records (
  id TEXT PRIMARY KEY, source_key TEXT NOT NULL, kind TEXT NOT NULL, source TEXT NOT NULL,
  locator TEXT NOT NULL, title TEXT NOT NULL, text TEXT NOT NULL, metadata TEXT NOT NULL,
  ordinal INTEGER NOT NULL, record_key TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS records_source_key ON records(source_key);
CREATE INDEX IF NOT EXISTS records_kind ON records(kind);
CREATE TABLE IF NOT EXISTS tokens (id TEXT PRIMARY KEY, tokens TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS products (
  id TEXT PRIMARY KEY, source_key TEXT NOT NULL, source TEXT NOT NULL, seq TEXT, product TEXT,
  manufacturer TEXT, country TEXT, ingredients TEXT, barcode TEXT, registered TEXT, updated TEXT,
  valid_from TEXT, valid_to TEXT, image_url TEXT
);
CREATE INDEX IF NOT EXISTS products_source_key ON products(source_key);
CREATE TABLE IF NOT EXISTS product_barcodes (barcode TEXT NOT NULL, id TEXT NOT NULL, source_key TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS product_barcodes_code ON product_barcodes(barcode);
CREATE INDEX IF NOT EXISTS product_barcodes_source ON product_barcodes(source_key);
CREATE TABLE IF NOT EXISTS ingredients (
  id TEXT PRIMARY KEY, source_key TEXT NOT NULL, source TEXT NOT NULL, name_ko TEXT, name_en TEXT,
  other_names TEXT, status TEXT, designated TEXT, released TEXT, reason TEXT, release_reason TEXT,
  category TEXT
);
CREATE INDEX IF NOT EXISTS ingredients_source_key ON ingredients(source_key);
"""



@dataclass
class SourceRow:
    """One ingested file in the manifest (색인 대장)."""

    key: str  # absolute path (manifest key)
    source: str  # file name shown to users
    kind: str
    sha256: str
    size: int
    records: int
    ingested_at: str
    path: str
    embedder: str = ""  # embedder signature at ingest time (addition to the contract)


class Database:
    """Thin, thread-safe wrapper over one SQLite connection (WAL)."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        try:
            self._open()
        except sqlite3.DatabaseError as exc:
            raise AssistantError(
                f"색인 데이터베이스를 열 수 없습니다: {self.path} ({exc}). 파일이 손상되었다면 옮겨 두고 다시 색인하세요.",
                f"Cannot open the index database {self.path} ({exc}). If it is corrupt, move it away and re-ingest.",
            ) from exc

    def _open(self) -> None:
        # Two processes opening a brand-new home at once: switching the journal to WAL needs an exclusive
        # lock and SQLite does not wait for it (busy_timeout does not apply), so retry for a while.
        deadline = time.monotonic() + 30
        while True:
            try:
                self._conn = sqlite3.connect(str(self.path), timeout=60, check_same_thread=False, isolation_level=None)
                self._conn.execute("PRAGMA busy_timeout=60000")
                self._conn.execute("PRAGMA journal_mode=WAL")
                self._conn.execute("PRAGMA synchronous=NORMAL")
                self._create()
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                self._conn.close()
                time.sleep(0.05)

    def _create(self) -> None:
        with self.transaction() as c:
            for stmt in SCHEMA.split(";"):
                if stmt.strip():
                    c.execute(stmt)
            # random per-home id: keeps homes apart when they share one Chroma server
            c.execute("INSERT OR IGNORE INTO meta(key, value) VALUES('index_id', lower(hex(randomblob(4))))")
            cols = {r[1] for r in c.execute("PRAGMA table_info(records)")}
            if "record_key" not in cols:  # homes made by the first version of this module
                c.execute("ALTER TABLE records ADD COLUMN record_key TEXT NOT NULL DEFAULT ''")

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    @contextmanager
    def transaction(self) -> Iterator[Any]:
        """BEGIN IMMEDIATE … COMMIT; rolled back on any exception (or lost on SIGKILL)."""
        with self._lock:
            cur = self._conn.cursor()
            cur.execute("BEGIN IMMEDIATE")
            try:
                yield cur
            except BaseException:
                cur.execute("ROLLBACK")
                raise
            else:
                cur.execute("COMMIT")

    def query(self, sql: str, params: Iterable[Any] = ()) -> list[tuple]:
        with self._lock:
            return self._conn.execute(sql, tuple(params)).fetchall()

    # meta ---------------------------------------------------------------------------------
    def meta(self, key: str, default: str | None = None) -> str | None:
        rows = self.query("SELECT value FROM meta WHERE key=?", (key,))
        return rows[0][0] if rows else default

    def set_meta(self, key: str, value: str, cur: Any = None) -> None:
        sql = "INSERT INTO meta(key, value) VALUES(?, ?) ON CONFLICT(key) DO UPDATE SET value=excluded.value"
        if cur is not None:
            cur.execute(sql, (key, value))
        else:
            with self.transaction() as c:
                c.execute(sql, (key, value))

    def generation(self) -> int:
        return int(self.meta("generation", "0") or 0)

    def index_id(self) -> str:
        return str(self.meta("index_id", "") or "")

    @staticmethod
    def _bump(cur: Any) -> None:
        cur.execute(
            "INSERT INTO meta(key, value) VALUES('generation', '1') "
            "ON CONFLICT(key) DO UPDATE SET value=CAST(CAST(value AS INTEGER) + 1 AS TEXT)"
        )

    # manifest -----------------------------------------------------------------------------
    def source(self, key: str) -> SourceRow | None:
        names = [f.name for f in fields(SourceRow)]
        rows = self.query(f"SELECT {', '.join(names)} FROM sources WHERE key=?", (key,))
        return SourceRow(*rows[0]) if rows else None

    def sources(self) -> list[SourceRow]:
        names = [f.name for f in fields(SourceRow)]
        return [SourceRow(*r) for r in self.query(f"SELECT {', '.join(names)} FROM sources ORDER BY key")]

    def replace_source(self, row: SourceRow, records: list[Record]) -> int:
        """Delete the file's old rows, insert the new ones, update the manifest: one transaction."""
        seen: set[str] = set()
        unique: list[Record] = []
        for r in records:
            if r.id not in seen:
                seen.add(r.id)
                unique.append(r)
        with self.transaction() as c:
            self._delete_source(c, row.key)
            clash = self._ids_of_other_files(c, row.key, [r.id for r in unique])
            if clash:
                from assistant.errors import BadInputFile

                raise BadInputFile(row.path, f"다른 파일과 같은 레코드 id가 있습니다 ({clash[0]}): 레코드의 source_key를 파일마다 다르게 지정하세요",
                                   f"record id already used by another file ({clash[0]}); set a per-file source_key")
            c.executemany(
                "INSERT INTO records(id, source_key, kind, source, locator, title, text, metadata, ordinal, record_key) "
                "VALUES (?,?,?,?,?,?,?,?,?,?)",
                [
                    (r.id, row.key, r.kind, r.source, r.locator, r.title, r.text,
                     json.dumps(r.metadata, ensure_ascii=False, sort_keys=True), r.ordinal, r.source_key)
                    for r in unique
                ],
            )
            insert_structured(c, row.key, unique)
            values = [getattr(row, f.name) for f in fields(SourceRow)]
            values[[f.name for f in fields(SourceRow)].index("records")] = len(unique)
            c.execute(
                f"INSERT INTO sources VALUES ({', '.join('?' * len(values))}) "
                "ON CONFLICT(key) DO UPDATE SET source=excluded.source, kind=excluded.kind, sha256=excluded.sha256, "
                "size=excluded.size, records=excluded.records, ingested_at=excluded.ingested_at, "
                "path=excluded.path, embedder=excluded.embedder",
                values,
            )
            self._bump(c)
        return len(unique)

    def remove_source(self, key: str) -> int:
        with self.transaction() as c:
            n = self._delete_source(c, key)
            c.execute("DELETE FROM sources WHERE key=?", (key,))
            if c.rowcount or n:
                self._bump(c)
        return n

    def invalidate_source(self, key: str, actual_records: int) -> None:
        """Doctor: make the manifest tell the truth and force a re-ingest of the file (sha cleared)."""
        with self.transaction() as c:
            c.execute("UPDATE sources SET sha256='', records=? WHERE key=?", (actual_records, key))
            self._bump(c)

    def delete_records(self, ids: list[str]) -> int:
        """Doctor: drop records whose file is not in the manifest."""
        with self.transaction() as c:
            for chunk in _chunks(ids, 500):
                marks = ",".join("?" * len(chunk))
                c.execute(f"DELETE FROM tokens WHERE id IN ({marks})", chunk)
                c.execute(f"DELETE FROM products WHERE id IN ({marks})", chunk)
                c.execute(f"DELETE FROM product_barcodes WHERE id IN ({marks})", chunk)
                c.execute(f"DELETE FROM ingredients WHERE id IN ({marks})", chunk)
                c.execute(f"DELETE FROM records WHERE id IN ({marks})", chunk)
            self._bump(c)
        return len(ids)

    @staticmethod
    def _ids_of_other_files(c: Any, key: str, ids: list[str]) -> list[str]:
        out: list[str] = []
        for chunk in _chunks(ids, 500):
            rows = c.execute(f"SELECT id FROM records WHERE id IN ({','.join('?' * len(chunk))}) AND source_key != ?",
                             (*chunk, key)).fetchall()
            out.extend(r[0] for r in rows)
        return out

    @staticmethod
    def _delete_source(c: Any, key: str) -> int:
        c.execute("DELETE FROM tokens WHERE id IN (SELECT id FROM records WHERE source_key=?)", (key,))
        for table in ("products", "product_barcodes", "ingredients"):
            c.execute(f"DELETE FROM {table} WHERE source_key=?", (key,))
        c.execute("DELETE FROM records WHERE source_key=?", (key,))
        return int(c.rowcount or 0)

    # records ------------------------------------------------------------------------------
    def counts(self) -> dict[str, int]:
        return {k: int(n) for k, n in self.query("SELECT kind, COUNT(*) FROM records GROUP BY kind")}

    def kinds_by_id(self) -> dict[str, str]:
        """id -> kind in rowid order."""
        return dict(self.query("SELECT id, kind FROM records ORDER BY rowid"))

    def record_ids(self) -> list[str]:
        return [r[0] for r in self.query("SELECT id FROM records ORDER BY rowid")]

    def existing(self, ids: list[str]) -> set[str]:
        out: set[str] = set()
        for chunk in _chunks(ids, 500):
            rows = self.query(f"SELECT id FROM records WHERE id IN ({','.join('?' * len(chunk))})", chunk)
            out.update(r[0] for r in rows)
        return out

    def filter_rows(self, ids: list[str]) -> dict[str, tuple[str, str, dict[str, Any]]]:
        """id -> (kind, source, metadata) for ids that exist now (dense-channel filtering)."""
        out: dict[str, tuple[str, str, dict[str, Any]]] = {}
        for chunk in _chunks(list(dict.fromkeys(ids)), 500):
            rows = self.query(
                f"SELECT id, kind, source, metadata FROM records WHERE id IN ({','.join('?' * len(chunk))})", chunk)
            for rid, kind, source, meta in rows:
                out[rid] = (kind, source, json.loads(meta))
        return out

    def get(self, ids: list[str]) -> list[Record]:
        found: dict[str, Record] = {}
        for chunk in _chunks(list(dict.fromkeys(ids)), 500):
            rows = self.query(
                "SELECT id, kind, source, locator, title, text, metadata, record_key, ordinal FROM records "
                f"WHERE id IN ({','.join('?' * len(chunk))})",
                chunk,
            )
            for rid, kind, source, locator, title, text, meta, skey, ordinal in rows:
                found[rid] = Record(kind, source, locator, title, text, json.loads(meta), skey, ordinal)
        return [found[i] for i in ids if i in found]

    def iter_docs(self, batch: int = 2000) -> Iterator[list[tuple[str, str, str, dict[str, Any]]]]:
        """(id, kind, source, metadata) in rowid order, batched (vector metadata, filter arrays)."""
        last = -1
        while True:
            rows = self.query(
                "SELECT rowid, id, kind, source, metadata FROM records WHERE rowid > ? ORDER BY rowid LIMIT ?",
                (last, batch),
            )
            if not rows:
                return
            last = rows[-1][0]
            yield [(rid, kind, source, json.loads(meta)) for _, rid, kind, source, meta in rows]

    def texts(self, ids: list[str]) -> dict[str, tuple[str, str, str, str, dict[str, Any]]]:
        """id -> (kind, source, title, text, metadata) for embedding and tokenising."""
        out: dict[str, tuple[str, str, str, str, dict[str, Any]]] = {}
        for chunk in _chunks(ids, 500):
            rows = self.query(
                f"SELECT id, kind, source, title, text, metadata FROM records WHERE id IN ({','.join('?' * len(chunk))})",
                chunk,
            )
            for rid, kind, source, title, text, meta in rows:
                out[rid] = (kind, source, title, text, json.loads(meta))
        return out

    # structured lists (label checker) ---------------------------------------------------------
    # Each list row carries its record's locator (SELF_IMPORT_SEQ 123, 행 5, RAW_IRDNT …): a verdict cites it.
    def products(self) -> list[dict[str, Any]]:
        cols = ("id", "source_key", "source", *PRODUCT_FIELDS)
        sql = (f"SELECT {', '.join('p.' + c for c in cols)}, r.locator FROM products p "
               "LEFT JOIN records r ON r.id = p.id ORDER BY p.rowid")
        return [dict(zip((*cols, "locator"), r, strict=True)) for r in self.query(sql)]

    def products_by_barcode(self, barcode: str) -> list[dict[str, Any]]:
        codes = barcodes_of(barcode) or [re.sub(r"\D", "", barcode)]
        cols = ("id", "source_key", "source", *PRODUCT_FIELDS)
        sql = (f"SELECT {', '.join('p.' + c for c in cols)}, r.locator FROM product_barcodes b JOIN products p ON p.id = b.id "
               f"LEFT JOIN records r ON r.id = p.id WHERE b.barcode IN ({','.join('?' * len(codes))}) ORDER BY p.rowid")
        return [dict(zip((*cols, "locator"), r, strict=True)) for r in self.query(sql, codes)]

    def ingredients(self) -> list[dict[str, Any]]:
        cols = ("id", "source_key", "source", *INGREDIENT_FIELDS)
        sql = (f"SELECT {', '.join('i.' + c for c in cols)}, r.locator FROM ingredients i "
               "LEFT JOIN records r ON r.id = i.id ORDER BY i.rowid")
        return [dict(zip((*cols, "locator"), r, strict=True)) for r in self.query(sql)]

    # BM25 token cache ---------------------------------------------------------------------
    def ids_without_tokens(self) -> list[str]:
        return [r[0] for r in self.query(
            "SELECT r.id FROM records r LEFT JOIN tokens t ON t.id = r.id WHERE t.id IS NULL ORDER BY r.rowid")]

    def put_tokens(self, items: list[tuple[str, list[str]]]) -> None:
        with self.transaction() as c:
            # only for ids still present (a concurrent replace may have removed them)
            c.executemany(
                "INSERT OR REPLACE INTO tokens(id, tokens) SELECT ?, ? WHERE EXISTS (SELECT 1 FROM records WHERE id=?)",
                [(rid, "\x1f".join(toks), rid) for rid, toks in items],
            )

    def clear_tokens(self) -> None:
        with self.transaction() as c:
            c.execute("DELETE FROM tokens")

    def corpus_tokens(self) -> tuple[int, list[str], list[list[str] | None], list[str], list[str], list[dict[str, Any]]]:
        """Snapshot for a BM25 build: (generation, ids, tokens, kinds, sources, metadata), rowid order."""
        with self.transaction() as c:  # one consistent read
            gen = int((c.execute("SELECT value FROM meta WHERE key='generation'").fetchone() or ["0"])[0])
            rows = c.execute(
                "SELECT r.id, t.tokens, r.kind, r.source, r.metadata FROM records r "
                "LEFT JOIN tokens t ON t.id = r.id ORDER BY r.rowid"
            ).fetchall()
        ids = [r[0] for r in rows]
        toks = [None if r[1] is None else (r[1].split("\x1f") if r[1] else []) for r in rows]
        return gen, ids, toks, [r[2] for r in rows], [r[3] for r in rows], [json.loads(r[4]) for r in rows]

    def integrity(self) -> str:
        return str(self.query("PRAGMA quick_check")[0][0])


def _chunks(items: list[Any], n: int) -> Iterator[list[Any]]:
    for i in range(0, len(items), n):
        yield items[i : i + n]
