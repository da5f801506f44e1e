"""Header synonyms → canonical field names (표 머리글 동의어).

Officers' spreadsheets and the open-data APIs name the same column many ways: "감사대상",
"피감기관", "수감기관", "auditee"; "제품명", "PRDT_NM", "Product Name". A header is compared
after normalisation (NFKC, lower case, spaces/underscores/hyphens/dots/brackets removed), so
"Product Name", "product_name" and "PRODUCTNAME" are the same header.

Deliberate simplification: synonyms are exact (after normalisation); an unknown header is
ignored, never guessed from a substring, so "처분일자" does not become the disposition. Two fallbacks
only, for a header that is unknown as a whole: a trailing bracketed qualifier is dropped ("제품명(영문)"),
and a header joining two names ("관련 법령 및 조항", "제조국/원산지") is read as its first known part.

>>> schema_for("hazard-list").map(["제품명", "업체명", "Manufacturer Country"])
{'제품명': 'product', '업체명': 'manufacturer'}
>>> detect_table_kind(["RAW_IRDNT_NM", "RAW_IRDNT_ENG_NM", "APPN_RELS_DVS"])
'ingredient-list'
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from assistant.errors import BadInputFile

_QUALIFIER = re.compile(r"\s*[(\[（［{][^()\[\]（）［］{}]*[)\]）］}]\s*$")
# what joins two names in one header: "관련 법령 및 조항", "제조국/원산지", "법령·조항", "품명, 규격"
_JOINER = re.compile(r"\s+및\s+|\s*[/·ㆍ,&+]\s*")
_STRIP = re.compile(r"[\s_\-.·/()\[\]{}<>:：*#\"'`]+")


def normalize_header(name: str) -> str:
    """Case/space/underscore-insensitive form of a header.

    >>> normalize_header(" Product_Name ") == normalize_header("product name")
    True
    """
    text = unicodedata.normalize("NFKC", str(name or "")).strip().lstrip("\ufeff")
    return _STRIP.sub("", text).lower()


# canonical key -> synonyms (Korean, English, API field names). Normalised at import.
FINDING_FIELDS: dict[str, list[str]] = {
    "year": ["감사연도", "감사년도", "연도", "년도", "감사실시연도", "실시연도", "회계연도", "회계년도", "지적연도", "지적년도",
             "감사실시년도", "실시년도", "사업연도", "사업년도", "처분연도", "처분년도", "감사연월", "감사년월",
             "year", "audit year", "fiscal year", "finding year", "year of audit", "AUDIT_YR", "AUDIT_YEAR", "BSNS_YEAR", "YR"],
    "auditor": ["감사기관", "감사실시기관", "감사주체", "실시기관", "감사기관명", "감사원", "감사부서", "감사실시부서", "감사단", "감사반", "감사팀", "감사관서", "감사실시관서",
                "auditor", "audit body", "auditing body", "audit agency", "AUDIT_INST_NM", "ADT_INST_NM"],
    "office": ["감사대상", "감사대상기관", "피감기관", "피감사기관", "수감기관", "대상기관", "관서", "세관", "기관명",
               "피감기관명", "피감사기관명", "수감기관명", "감사대상기관명", "대상관서", "수감관서", "피감관서", "세관명",
               "감사대상관서", "대상세관", "수감세관", "피감세관", "관계기관", "관련기관",
               "office", "auditee", "audited unit", "audited office", "audited entity", "audited agency", "AUDITEE_NM", "ADT_TRGT_NM", "TRGT_INST_NM"],
    "department": ["대상부서", "감사대상부서", "부서", "부서명", "담당부서", "소관부서", "수감부서", "피감부서",
                   "피감사부서", "관련부서", "처분대상부서", "담당과", "소관과", "관계부서", "관계과", "대상과", "수감과",
                   "department", "unit", "division",
                   "DEPT_NM"],
    "audit_type": ["감사종류", "감사구분", "감사유형", "감사명", "감사종목", "감사형태", "audit type", "type of audit",
                   "AUDIT_KIND", "ADT_KND_NM", "ADT_SE_NM"],
    "title": ["지적사항", "지적사항제목", "지적제목", "제목", "건명", "사건명", "지적사항명", "지적명", "지적건명", "감사지적사항", "title", "subject",
              "finding", "finding title", "ADT_TITL", "TITL", "TITLE"],
    "content": ["내용", "지적내용", "지적사항내용", "세부내용", "감사결과", "감사결과내용", "주요내용", "지적요지",
                "지적내용요약", "지적상세", "문제점", "위법부당사항", "content", "contents", "details", "description", "body", "CN", "CONTENT", "ADT_CN"],
    "disposition": ["처분", "처분요구", "처분요구사항", "처분내용", "처분종류", "처분구분", "처분요구종류", "조치", "조치사항",
                    "조치요구", "조치요구사항", "조치내용", "조치결과", "처분결과", "처분요구내용", "처분수준",
                    "조치구분", "처분유형", "처분요구유형", "처분요구구분", "조치요구구분", "조치요구종류", "조치종류",
                    "처분종별", "disposition", "action", "action required", "action taken", "sanction", "measure", "measures", "DSPS_RQT", "DSPS_KND_NM"],
    "regulation": ["관련규정", "근거법령", "관련법령", "근거규정", "위반법령", "위반규정", "관련조항", "관계법령",
                   "관련근거", "관련법규", "위반조항", "근거조항", "적용법령", "관계규정", "근거", "관련규정조항",
                   "근거조문", "관련조문", "위반조문", "적용조문", "근거법규", "위반법규", "적용조항", "관련법조",
                   "regulation", "legal basis", "related regulation", "law", "violated regulation", "relevant law",
                   "related law", "basis", "RLT_LAW", "BASIS_LAW"],
    "field": ["분야", "업무분야", "감사분야", "지적분야", "업무구분", "업무", "업무영역", "감사업무분야", "field", "area", "category", "FIELD_NM"],
    "period": ["감사기간", "감사일자", "감사실시기간", "실시기간", "감사일", "audit period", "period", "audit date"],
    "finding_no": ["번호", "지적번호", "순번", "연번", "일련번호", "사례번호", "지적사항번호", "카드번호", "no", "number", "finding no", "finding id", "id"],
}

HAZARD_FIELDS: dict[str, list[str]] = {
    "seq": ["SELF_IMPORT_SEQ", "일련번호", "순번", "연번", "번호", "관리번호", "seq", "no", "id"],
    "product": ["PRDT_NM", "제품명", "제품명칭", "품목명", "품명", "상품명", "제품", "product", "product name",
                "name", "PRDLST_NM", "PRDUCT_NM", "PRDTNM", "PRDT_KOR_NM"],
    "manufacturer": ["MUFC_NM", "제조사", "제조사명", "업체명", "제조업체", "제조업체명", "제조회사", "제조원", "제조자",
                     "판매원", "제조업소", "제조업소명", "제조사판매사", "제조판매사", "제조원판매원", "manufacturer", "maker", "company", "brand", "BSSH_NM", "BSSHNM"],
    "country": ["MUFC_CNTRY_NM", "제조국", "제조국가", "제조국명", "국가", "국가명", "원산지", "생산국", "country",
                "country of origin", "origin", "made in", "NATN_NM", "수출국", "원산국", "생산국가"],
    "ingredients": ["INGR_NM_LST", "검출성분", "검출성분명", "위해성분", "위해성분명", "위해원료", "성분", "성분명",
                    "검출물질", "부적합성분", "부적합항목", "검출항목", "적발성분", "검출된성분", "위해물질", "유해성분", "위해성분목록", "ingredients", "ingredient", "detected ingredients", "detected",
                    "hazardous ingredients", "substances", "detected substance", "detected substances",
                    "hazardous substance", "DETECT_TITL", "INGR_NM"],
    "barcode": ["BARCD_CTN", "BRCDNO", "BAR_CD", "바코드", "바코드번호", "유통바코드", "barcode", "bar code", "EAN",
                "UPC", "GTIN", "상품바코드", "EAN코드", "EAN13", "BRCD_NO"],
    "registered": ["CRET_DTM", "등록일", "등록일자", "등록일시", "공개일", "게시일", "차단일", "차단일자", "공개일자", "게시일자",
                   "registered", "registration date",
                   "created"],
    "updated": ["LAST_UPDT_DTM", "수정일", "수정일자", "최종수정일", "최종수정일자", "변경일", "updated",
                "last updated", "modified"],
    "valid_from": ["STT_YMD", "시작일", "적용시작일", "차단시작일", "valid from", "start date"],
    "valid_to": ["END_YMD", "종료일", "적용종료일", "차단종료일", "valid to", "end date"],
    "image_url": ["IMAGE_URL", "IMG_URL", "이미지", "이미지URL", "이미지주소", "제품사진", "image", "image url", "photo"],
}

INGREDIENT_FIELDS: dict[str, list[str]] = {
    "name_ko": ["RAW_IRDNT_NM", "원료명", "원료성분명", "원료명한글", "한글명", "국문명", "성분명", "성분명한글",
                "원료성분", "name ko", "korean name", "IRDNT_NM"],
    "name_en": ["RAW_IRDNT_ENG_NM", "영문명", "원료명영문", "영문원료명", "성분명영문", "영문성분명", "name en",
                "english name", "영문명칭", "name", "substance", "ingredient", "IRDNT_ENG_NM"],
    "other_names": ["RAW_IRDNT_ETC_NM", "기타명칭", "기타명", "이명", "이칭", "동의어", "별칭", "기타원료명", "other names",
                    "synonyms", "aliases", "IRDNT_ETC_NM"],
    "status": ["APPN_RELS_DVS", "지정해제구분", "지정여부", "지정구분", "지정상태", "상태", "구분", "status", "designated"],
    "designated": ["APPN_DT", "지정일", "지정일자", "등록일", "designation date", "designated on"],
    "released": ["RELS_DT", "해제일", "해제일자", "release date", "released on"],
    "reason": ["APPN_RSN", "지정사유", "차단사유", "사유", "reason", "designation reason"],
    "release_reason": ["RELS_RSN", "해제사유", "release reason"],
    "category": ["분류", "원료구분", "원료분류", "카테고리", "category", "IRDNT_CLSF", "RAW_IRDNT_CLSF_NM", "CLSF_NM"],
}


@dataclass(frozen=True)
class Schema:
    """One table kind: its fields, the field a row cannot lack, and the headers that identify it."""

    kind: str
    fields: dict[str, list[str]]
    key_fields: tuple[str, ...]  # a row needs at least one of these (else skipped with a warning)
    label_ko: str

    def lookup(self) -> dict[str, str]:
        table: dict[str, str] = {}
        for key, names in self.fields.items():
            for name in [key, *names]:
                table.setdefault(normalize_header(name), key)
        return table

    def map(self, headers: list[str]) -> dict[str, str]:
        """Original header → canonical key (first header wins when two mean the same field).

        A bracketed qualifier is ignored when the full header is unknown: "제품명(영문)", "바코드 [EAN]";
        a header joining two names is read as its first known part: "관련 법령 및 조항" → regulation.
        """
        lookup = self.lookup()
        out: dict[str, str] = {}
        taken: set[str] = set()
        for h in headers:
            bare = _QUALIFIER.sub("", str(h))
            key = lookup.get(normalize_header(h)) or lookup.get(normalize_header(bare))
            if not key:
                key = next((lookup[n] for part in _JOINER.split(bare) if (n := normalize_header(part)) in lookup), None)
            if key and key not in taken:
                out[h] = key
                taken.add(key)
        return out

    def expected(self) -> list[str]:
        """A short human list of the headers this schema expects (for error messages)."""
        return [f"{names[0]}/{names[1]}" if len(names) > 1 else names[0] for names in self.fields.values()]


SCHEMAS: dict[str, Schema] = {
    "finding": Schema("finding", FINDING_FIELDS, ("title", "content"), "감사지적 사례"),
    "hazard-list": Schema("hazard-list", HAZARD_FIELDS, ("product",), "위해식품 목록"),
    "ingredient-list": Schema("ingredient-list", INGREDIENT_FIELDS, ("name_ko", "name_en"), "반입차단 성분 목록"),
}

# Headers that only the blocked-ingredient list carries.
_INGREDIENT_MARKERS = {normalize_header(h) for h in ("원료명", "원료성분명", "영문원료명", "지정사유", "해제사유",
                                                      "APPN_RELS_DVS", "APPN_RSN", "RELS_RSN")}


def schema_for(kind: str) -> Schema:
    return SCHEMAS[kind]


def is_ingredient_headers(headers: list[str]) -> bool:
    """RAW_IRDNT_* / 원료명 columns mark a blocked-ingredient table, whatever folder it is in."""
    for h in headers:
        n = normalize_header(h)
        if n.startswith("rawirdnt") or n in _INGREDIENT_MARKERS:
            return True
    return False


def matches_schema(headers: list[str], kind: str) -> bool:
    """True when the headers name at least one key field of `kind` (e.g. 제품명 for hazard-list)."""
    schema = SCHEMAS.get(kind)
    return bool(schema and set(schema.map(headers).values()) & set(schema.key_fields))


def _score(schema: Schema, headers: list[str]) -> int:
    mapped = set(schema.map(headers).values())
    if not mapped & set(schema.key_fields):
        return 0
    # generic one-word headers (name/id/no) alone must not decide the kind
    return len(mapped - {"finding_no", "seq"})


def detect_table_kind(headers: list[str]) -> str | None:
    """The table kind whose schema the headers match best, or None.

    >>> detect_table_kind(["감사연도", "피감기관", "제목", "처분요구"])
    'finding'
    >>> detect_table_kind(["제품명", "제조국", "검출성분"])
    'hazard-list'
    """
    if is_ingredient_headers(headers):
        return "ingredient-list"
    scores = {kind: _score(s, headers) for kind, s in SCHEMAS.items()}
    best = max(scores, key=lambda k: scores[k])
    return best if scores[best] >= 2 else None


def require_schema(path: Path | str, headers: list[str], kind: str) -> dict[str, str]:
    """Header map for `kind`, or BadInputFile naming the file, the headers found and those expected."""
    schema = SCHEMAS[kind]
    mapping = schema.map(headers)
    if set(mapping.values()) & set(schema.key_fields):
        return mapping
    found = ", ".join(str(h) for h in headers[:20]) or "(없음)"
    expected = ", ".join(schema.expected())
    raise BadInputFile(
        str(path),
        f"{schema.label_ko} 표로 읽을 수 없습니다: 알 수 있는 머리글이 없습니다. 찾은 머리글: {found}. 필요한 머리글: {expected}",
        f"cannot read as a {kind} table: no known headers. Found: {found}. Expected: {expected}",
    )
