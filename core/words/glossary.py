"""The app's technical terms in each of its languages, in the words of the study note.

A term holds its word in each language (``core.words.i18n.LANGUAGES``' codes; English, the source, always): a new
language adds its word to each term, and the glossary page shows it as a column of its own. The Korean words are the
study note's: where the note names a term in Korean (은닉층, 가중치, 활성화 함수, 장기 의존성, 순차 데이터) that is the
word; where it keeps the English (gradient, gate), the common Korean textbook term is used with the English beside it
on the glossary page. Every translation in a catalogue uses these words: ``tests/words/test_catalogue.py`` checks that
a message with a ``strict`` term in English has the term's word in the translation.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from core.words.i18n import SOURCE_LANGUAGE


@dataclass(frozen=True, eq=False)
class Term:
    words: Mapping[str, str]  # the term in each language that has a word for it, by language code
    section: str | None = None  # the note's section (core.words.notes.SECTIONS) that introduces it
    strict: bool = False  # one word for it everywhere in a translation (some English words have several senses)

    @property
    def english(self) -> str:
        return self.words[SOURCE_LANGUAGE]

    def word(self, language: str) -> str | None:
        """The term in ``language``, None where that language has no word for it yet."""
        return self.words.get(language)


TERMS = [
    Term({"en": "recurrent neural network", "ko": "순환 신경망"}, "what_is_an_rnn", strict=True),
    Term({"en": "sequential data", "ko": "순차 데이터"}, "what_is_an_rnn"),
    Term({"en": "sequence", "ko": "시퀀스"}, "what_is_an_rnn"),
    Term({"en": "sequence length", "ko": "시퀀스 길이"}, "what_is_an_rnn", strict=True),
    Term({"en": "hidden layer", "ko": "은닉층"}, "what_is_an_rnn", strict=True),
    Term({"en": "hidden state", "ko": "은닉 상태"}, "simple_rnn", strict=True),
    Term({"en": "hidden size", "ko": "은닉 크기"}, "simple_rnn", strict=True),
    Term({"en": "input", "ko": "입력"}, "simple_rnn"),
    Term({"en": "output", "ko": "출력"}, "simple_rnn"),
    Term({"en": "weight", "ko": "가중치"}, "simple_rnn", strict=True),
    Term({"en": "bias", "ko": "편향"}, "simple_rnn", strict=True),
    Term({"en": "activation function", "ko": "활성화 함수"}, "tanh", strict=True),
    Term({"en": "nonlinearity", "ko": "비선형 함수"}, "tanh", strict=True),
    Term({"en": "linear map", "ko": "선형 함수"}, "tanh"),
    Term({"en": "layer", "ko": "층"}, "tanh"),
    Term({"en": "character-level model", "ko": "문자 단위 모델"}, "intuition"),
    Term({"en": "one-hot encoding", "ko": "원-핫 인코딩"}, "intuition", strict=True),
    Term({"en": "one-hot vector", "ko": "원-핫 벡터"}, "intuition", strict=True),
    Term({"en": "training data", "ko": "학습 데이터"}, "intuition"),
    Term({"en": "time step", "ko": "타임스텝"}, "simple_rnn", strict=True),
    Term({"en": "long-term dependency", "ko": "장기 의존성"}, "problems", strict=True),
    Term({"en": "gradient", "ko": "기울기"}, "problems", strict=True),
    Term({"en": "vanishing gradient", "ko": "기울기 소실"}, "problems", strict=True),
    Term({"en": "exploding gradient", "ko": "기울기 폭주"}, "problems", strict=True),
    Term({"en": "gate", "ko": "게이트"}, "problems", strict=True),
    Term({"en": "cell state", "ko": "셀 상태"}, "problems", strict=True),
    Term({"en": "forget gate", "ko": "망각 게이트"}, "problems", strict=True),
    Term({"en": "cell", "ko": "셀"}),
    Term({"en": "learning rate", "ko": "학습률"}, strict=True),
    Term({"en": "batch", "ko": "배치"}, strict=True),
    Term({"en": "epoch", "ko": "에포크"}, strict=True),
    Term({"en": "loss", "ko": "손실"}, strict=True),
    Term({"en": "accuracy", "ko": "정확도"}, strict=True),
    Term({"en": "prediction", "ko": "예측"}),
    Term({"en": "sliding window", "ko": "슬라이딩 윈도우"}, strict=True),
    Term({"en": "seed", "ko": "시드"}, strict=True),
    Term({"en": "vocabulary", "ko": "어휘"}),
    Term({"en": "softmax", "ko": "소프트맥스"}),
    Term({"en": "cross-entropy", "ko": "교차 엔트로피"}, strict=True),
    Term({"en": "mean squared error", "ko": "평균 제곱 오차"}, strict=True),
    Term({"en": "backpropagation through time", "ko": "시간에 따른 역전파 (BPTT)"}),
    Term({"en": "baseline", "ko": "기준선"}),
    Term({"en": "test data", "ko": "테스트 데이터"}),
    Term({"en": "validation data", "ko": "검증 데이터"}),
]
