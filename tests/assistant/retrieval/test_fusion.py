import pytest

from assistant.retrieval.fusion import rrf


def test_rrf_matches_hand_computed_example():
    # keyword: a b c ; dense: c a d ; weights 1 and 0.5 ; k = 10
    fused = dict(rrf([["a", "b", "c"], ["c", "a", "d"]], [1.0, 0.5], k=10))
    assert fused["a"] == pytest.approx(1 / 11 + 0.5 / 12)
    assert fused["b"] == pytest.approx(1 / 12)
    assert fused["c"] == pytest.approx(1 / 13 + 0.5 / 11)
    assert fused["d"] == pytest.approx(0.5 / 13)
    order = [i for i, _ in rrf([["a", "b", "c"], ["c", "a", "d"]], [1.0, 0.5], k=10)]
    assert order == ["a", "c", "b", "d"]


def test_zero_weight_channel_is_ignored_and_duplicates_vote_once():
    assert rrf([["a", "a", "b"], ["b"]], [1.0, 0.0], k=0) == [("a", 1.0), ("b", 1 / 3)]


def test_ties_keep_first_seen_order_and_bad_weights_rejected():
    assert [i for i, _ in rrf([["x"], ["y"]], [1, 1], k=60)] == ["x", "y"]
    with pytest.raises(ValueError):
        rrf([["a"]], [1.0, 2.0])
