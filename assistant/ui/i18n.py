"""Interface text (화면 문구), Korean first, English as the alternative. `t("ask", "en")`.

A plain dict: labels are chosen when a page is built (the Korean page at `/`, the English one
at `/en`), so no translation runs per request.
"""

from __future__ import annotations

TEXT: dict[str, tuple[str, str]] = {
    "app_title": ("세관 업무 도우미", "Customs Officer's Assistant"),
    "subtitle": ("규정 질의 · 라벨 사진 판정 · 감사 사례 검색 — 이 컴퓨터 안에서만 동작합니다",
                 "Regulation Q&A · label photo check · audit findings — runs entirely on this machine"),
    "logout": ("로그아웃", "Log out"),
    "lang_switch": ("English", "한국어"),
    "signed_in_as": ("로그인", "Signed in"),
    # tabs
    "tab_chat": ("규정 질의", "Regulations Q&A"),
    "tab_label": ("라벨 사진 판정", "Label photo check"),
    "tab_findings": ("감사 사례 검색", "Audit findings"),
    "tab_admin": ("자료 관리", "Library admin"),
    # chat
    "chatbot": ("답변", "Answers"),
    "question": ("질문", "Question"),
    "question_ph": ("예: 특송으로 들어온 건강기능식품 6병 초과면 어떻게 하나요?",
                    "e.g. What applies to more than 6 bottles of supplements sent by express courier?"),
    "ask": ("질문하기", "Ask"),
    "citations": ("근거 조문 (눌러서 전문 보기)", "Sources (click to read the full text)"),
    "closest": ("가장 가까운 자료 (근거 아님, 눌러서 보기)", "Closest passages (not a basis; click to read)"),
    "wrong_source": ("출처가 틀림", "Wrong source"),
    "grounded": ("근거 있음", "Grounded"),
    "ungrounded": ("근거 없음", "No basis found"),
    "ungrounded_note": ("관련 근거를 찾지 못했습니다. 아래는 가장 가까운 자료입니다 — 판단에 사용하지 마세요.",
                        "No supporting passage was found. The closest passages are shown — do not rely on them."),
    "mode": ("방식", "Mode"),
    "thinking": ("답변 생성 중…", "Answering…"),
    "empty_question": ("질문을 입력하세요.", "Please type a question."),
    "feedback_thanks": ("의견을 저장했습니다. 감사합니다.", "Feedback saved. Thank you."),
    "no_answer_yet": ("먼저 질문하세요.", "Ask a question first."),
    # article viewer
    "viewer": ("조문 보기", "Article viewer"),
    "viewer_empty": ("근거 번호를 누르면 조문 전문이 여기에 표시됩니다.", "Click a source number to read the full article here."),
    "page": ("쪽", "page"),
    "article_not_found": ("조문 전문을 찾지 못해 인용된 부분만 표시합니다.", "The full article was not found; showing the cited passage."),
    # label
    "photos": ("라벨 사진 (앞면·성분표·바코드, 여러 장 가능)", "Label photos (front, ingredients, barcode; several allowed)"),
    "camera": ("카메라로 촬영", "Take a photo"),
    "check": ("판정하기", "Check"),
    "verdict": ("판정", "Verdict"),
    "v_hazard": ("위해 의심 — 통관 보류 검토", "Hazard — consider holding"),
    "v_review": ("확인 필요 — 담당자 확인 또는 다시 촬영", "Review — check manually or retake the photo"),
    "v_no_match": ("목록에 없음", "Not on the lists"),
    "as_of": ("기준일", "as of"),
    "no_match_note": ("목록에 없다는 뜻이며 안전하다는 뜻이 아닙니다.", "Not listed does not mean safe."),
    "matches": ("일치한 목록 항목", "Matched list entries"),
    "ocr_text": ("인식된 글자 (일치한 단어 강조)", "Recognised text (matched words highlighted)"),
    "legal_basis": ("법적 근거 (눌러서 조문 보기)", "Legal basis (click to read)"),
    "elapsed": ("처리 시간", "Elapsed"),
    "barcodes": ("바코드", "Barcodes"),
    "no_photos": ("사진을 한 장 이상 올리세요.", "Please add at least one photo."),
    "p_barcode": ("바코드 확인 중", "Checking the barcode"),
    "p_queued": ("판독 대기 중 — 대기 순번 {n}", "Waiting to be read — position {n} in the queue"),
    "p_ocr": ("글자 판독 중 (사진 {n})", "Reading the text (photo {n})"),
    "p_retry": ("다시 판독 중 (빛 반사·곡면 보정, 사진 {n})", "Reading again (glare and curve correction, photo {n})"),
    "p_done": ("판정 완료", "Done"),
    "path": ("판정 경로", "Settled by"),
    "path_barcode": ("바코드 (글자 판독 생략)", "barcode (text not read)"),
    "path_ocr": ("글자 판독", "reading the text"),
    "path_cache": ("같은 사진의 이전 판정 (목록·규정 변경 없음)", "earlier verdict on the same photo (lists and rules unchanged)"),
    "grounds": ("판정 근거", "Grounds"),
    "grounds_entry": ("목록 항목", "list entry"),
    "grounds_date": ("항목 일자", "entry date"),
    "grounds_articles": ("조문", "articles"),
    "grounds_none": ("일치한 목록 항목 없음", "no list entry matched"),
    "col_kind": ("구분", "Kind"), "col_name": ("이름", "Name"), "col_canonical": ("목록 표기", "Listed as"),
    "col_score": ("점수", "Score"), "col_evidence": ("근거", "Evidence"), "col_source": ("출처", "Source"),
    "col_locator": ("항목", "Entry"),
    # findings
    "f_query": ("찾을 내용 (자연어)", "What to look for"),
    "f_query_ph": ("예: 보세사 공백을 방치한 사례", "e.g. bonded warehouse left without a licensed manager"),
    "year_from": ("연도 (부터)", "Year from"), "year_to": ("연도 (까지)", "Year to"),
    "office": ("감사대상/부서", "Office"), "disposition": ("처분", "Disposition"),
    "regulation": ("관련 규정", "Regulation"), "search": ("검색", "Search"),
    "results": ("검색 결과 (행을 누르면 상세)", "Results (click a row for details)"),
    "detail": ("상세", "Details"), "open_regulation": ("위반 조문 보기", "Open the breached article"),
    "export_csv": ("CSV 내보내기", "Export CSV"),
    "col_year": ("연도", "Year"), "col_auditor": ("감사기관", "Auditor"), "col_title": ("제목", "Title"),
    "any": ("전체", "Any"),
    "no_results": ("결과가 없습니다.", "No results."),
    "select_row": ("먼저 결과에서 사례를 고르세요.", "Select a finding first."),
    # admin
    "sources": ("색인된 자료", "Indexed sources"), "refresh": ("새로 고침", "Refresh"),
    "status": ("상태", "Status"),
    "upload": ("색인할 파일 올리기 (PDF, HWP, HWPX, TXT, MD, CSV, TSV, XLSX, JSON)",
               "Files to index (PDF, HWP, HWPX, TXT, MD, CSV, TSV, XLSX, JSON)"),
    "kind_auto": ("자동 판단", "Detect"),
    "ingest": ("색인하기", "Index files"), "ingest_results": ("파일별 결과", "Per-file results"),
    "prune": ("사라진 파일 정리", "Prune missing files"), "audit_export": ("감사 기록 내보내기 (CSV)", "Export audit log (CSV)"),
    "col_file": ("파일", "File"), "col_size": ("크기", "Size"), "col_result": ("결과", "Result"),
    "col_message": ("메시지", "Message"), "col_sha": ("SHA-256", "SHA-256"), "col_records": ("레코드", "Records"), "col_ingested": ("색인 시각", "Indexed at"),
    "ok": ("성공", "OK"), "error": ("오류", "Error"),
    "pruned": ("정리한 자료", "Removed"), "nothing_pruned": ("정리할 자료가 없습니다.", "Nothing to prune."),
    # roles / errors
    "denied": ("이 기능을 사용할 권한이 없습니다.", "You are not allowed to use this feature."),
    "login_required": ("로그인이 필요합니다.", "Please log in."),
    "auth_message": ("세관 업무 도우미 — 발급받은 계정으로 로그인하세요.", "Customs Officer's Assistant — log in with your account."),
}


def t(key: str, lang: str = "ko") -> str:
    ko, en = TEXT[key]
    return en if lang == "en" else ko


def err(exc: Exception, lang: str) -> str:
    """A user-facing message for an AssistantError (or any error) in the page's language."""
    message = getattr(exc, "message", None)
    return message(lang) if callable(message) else str(exc)
