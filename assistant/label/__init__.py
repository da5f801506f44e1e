"""Label photo check (라벨 사진 판정): one module per step.

image.py (safe reading) → barcode.py → preprocess.py + ocr.py → parse.py (+ normalize.py) → match.py →
verdict.py, with legal.py (legal basis) and checker.py (`LabelChecker`, `build_label_checker`).
Heavy libraries (zxing-cpp, OpenCV, rapidfuzz) are imported by the step modules, not here.
"""
