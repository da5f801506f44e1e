"""Grammar-constrained answers: the shape "sentence [n]. sentence [n]." or the refusal, as GBNF.

The grammar makes every sentence end with a marker naming one of the given passages, so a small
model cannot forget to cite or cite a passage that does not exist. *Which* passage it cites, and
whether the sentence says what the passage says, is still checked afterwards (citations.py,
faithfulness.py).

llama.cpp's grammar sampler checks every token of the vocabulary at every step. With Gemma's
262,144-token vocabulary that costs several times the model's own decoding on 2 cores (measured:
bench/answers.py notes). `TopKGrammar` does what llama.cpp's own `common_sampler` does: it asks the
same grammar engine about the k most likely tokens only, and falls back to the whole vocabulary
when none of them fits. Under greedy decoding the result is identical to the full-vocabulary grammar.

>>> print(cited_answer_gbnf(2, max_sentences=2))
root ::= " "? (refusal | answer) "\\n"
refusal ::= "근거를 찾지 못했습니다."
answer ::= sentence (" " sentence)?
sentence ::= lead body " " cite "."
cite ::= "[" num "]"
lead ::= [^\\[\\]<>\\n\\x00-\\x1F\\x7F ]
body ::= [^\\[\\]<>\\n\\x00-\\x1F\\x7F]{1,149}
num ::= "1" | "2"
"""

from __future__ import annotations

import ctypes
from typing import Any

REFUSAL = "근거를 찾지 못했습니다."


def cited_answer_gbnf(n_passages: int, max_sentences: int = 3, max_chars: int = 150) -> str:
    """GBNF: one to `max_sentences` sentences of at most `max_chars` characters, each ending " [n]."
    with 1 ≤ n ≤ n_passages, then a newline. The bound forces a marker at the latest after
    `max_chars` characters, so a looping model still ends in a citation that can be checked."""
    n_passages = max(1, n_passages)
    more = " ".join(['(" " sentence)?'] * max(0, max_sentences - 1))
    nums = " | ".join(f'"{i}"' for i in range(1, n_passages + 1))
    return "\n".join([
        'root ::= " "? (refusal | answer) "\\n"',
        f'refusal ::= "{REFUSAL}"',
        f"answer ::= sentence {more}".rstrip(),
        'sentence ::= lead body " " cite "."',
        'cite ::= "[" num "]"',
        "lead ::= [^\\[\\]<>\\n\\x00-\\x1F\\x7F ]",  # no markup: a small model imitates HTML ("</blockquote>")
        f"body ::= [^\\[\\]<>\\n\\x00-\\x1F\\x7F]{{1,{max_chars - 1}}}",
        f"num ::= {nums}",
    ])


class TopKGrammar:
    """A llama-cpp-python logits processor: tokens outside `gbnf` get -inf, checked on the top k first.

    The grammar state advances with the tokens the model actually produced (read from `input_ids` at
    each call), so one instance serves exactly one generation.
    """

    def __init__(self, llama: Any, gbnf: str, k: int = 64):
        import llama_cpp
        import numpy as np

        self._lib, self._np = llama_cpp, np
        vocab = llama._model.vocab  # llama-cpp-python keeps the model handle here (0.3.x)
        self._sampler = llama_cpp.llama_sampler_init_grammar(vocab, gbnf.encode("utf-8"), b"root")
        if not self._sampler:
            raise ValueError("invalid GBNF grammar")
        self.k = k
        self._seen: int | None = None
        self._always = np.array([t for t in (llama.token_eos(),) if t >= 0], dtype=np.int64)
        self.full_scans = 0  # steps where no top-k token fitted (the slow path)
        # numpy twin of struct llama_token_data {int32 id; float logit; float p;}
        self._dtype = np.dtype([("id", np.intc), ("logit", np.single), ("p", np.single)], align=True)
        assert self._dtype.itemsize == ctypes.sizeof(llama_cpp.llama_token_data)

    def _filter(self, ids: Any, logits: Any) -> Any:
        """The grammar engine's verdict on these candidates: their logits, -inf where rejected."""
        np, lib = self._np, self._lib
        data = np.zeros(len(ids), dtype=self._dtype)
        data["id"], data["logit"] = ids, logits
        arr = lib.llama_token_data_array(data=data.ctypes.data_as(ctypes.POINTER(lib.llama_token_data)),
                                         size=len(ids), selected=-1, sorted=False)
        lib.llama_sampler_apply(self._sampler, ctypes.byref(arr))
        return data["logit"]

    def __call__(self, input_ids: Any, scores: Any) -> Any:
        np = self._np
        if self._seen is None:
            self._seen = len(input_ids)  # the prompt: not part of the constrained output
        for tok in input_ids[self._seen :]:
            self._lib.llama_sampler_accept(self._sampler, int(tok))
        self._seen = len(input_ids)
        k = min(self.k, len(scores) - 1)
        cand = np.unique(np.concatenate([np.argpartition(-scores, k)[:k], self._always]))
        kept = self._filter(cand, scores[cand])
        if not np.isfinite(kept).any():
            self.full_scans += 1
            cand = np.arange(len(scores))
            kept = self._filter(cand, scores)
        out = np.full_like(scores, -np.inf)
        ok = np.isfinite(kept)
        out[cand[ok]] = scores[cand[ok]]
        return out

    def __del__(self) -> None:
        sampler = getattr(self, "_sampler", None)
        if sampler:
            self._lib.llama_sampler_free(sampler)
            self._sampler = None
