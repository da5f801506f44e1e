"""Auditors filter findings by the customs office alone (인천공항세관) or by office + unit."""

from assistant.retrieval.filters import Filters


def test_office_filter_matches_the_office_or_its_unit():
    meta = {"office": "인천공항세관 화물관리과", "agency": "인천공항세관", "year": 2024}
    assert Filters(office="인천공항세관").matches("finding", "a.pdf", meta)
    assert Filters(office="인천공항세관 화물관리과").matches("finding", "a.pdf", meta)
    assert not Filters(office="부산세관").matches("finding", "a.pdf", meta)
    assert Filters(office="인천공항세관").where() == {"$or": [{"office": "인천공항세관"}, {"agency": "인천공항세관"}]}


def test_findings_carry_their_agency():
    from pathlib import Path

    from ingest.document import Table
    from ingest.split.findings import finding_records_from_table

    table = Table(
        path=Path("f.csv"),
        headers=["감사연도", "감사대상", "지적사항", "내용", "처분"],
        rows=[{"감사연도": "2023", "감사대상": "부산세관 보세화물과", "지적사항": "재고조사 미실시", "내용": "재고조사를 하지 않았다.", "처분": "주의"}],
        meta={},
    )
    rec = finding_records_from_table(table, "f.csv")[0]
    assert rec.metadata["office"] == "부산세관 보세화물과" and rec.metadata["agency"] == "부산세관"
