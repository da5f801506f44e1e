"""Weighted reciprocal rank fusion (가중 RRF) of ranked id lists.

score(d) = Σ_c  w_c / (k + rank_c(d)),   rank starting at 1, summed over the channels that returned d.

Only ranks matter, so BM25 scores and cosine similarities never have to be put on one scale.
Ties keep the order in which ids were first seen (channel order, then rank), so results are stable.

>>> rrf([["a", "b", "c"], ["b", "d"]], weights=[1.0, 1.0], k=60)[:2]
[('b', 0.03252247488101534), ('a', 0.01639344262295082)]
"""

from __future__ import annotations

from collections.abc import Sequence


def rrf(
    rankings: Sequence[Sequence[str]],
    weights: Sequence[float] | None = None,
    k: int = 60,
) -> list[tuple[str, float]]:
    """Fuse ranked id lists; returns (id, fused score) best first."""
    if weights is None:
        weights = [1.0] * len(rankings)
    if len(weights) != len(rankings):
        raise ValueError(f"{len(rankings)} rankings but {len(weights)} weights")
    scores: dict[str, float] = {}
    for ranking, weight in zip(rankings, weights, strict=True):
        if weight == 0:
            continue
        seen: set[str] = set()
        for rank, doc_id in enumerate(ranking, start=1):
            if doc_id in seen:  # a channel votes once per id
                continue
            seen.add(doc_id)
            scores[doc_id] = scores.get(doc_id, 0.0) + weight / (k + rank)
    order = {doc_id: i for i, doc_id in enumerate(scores)}
    return sorted(scores.items(), key=lambda item: (-item[1], order[item[0]]))
