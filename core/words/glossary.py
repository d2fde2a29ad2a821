"""The app's technical terms, Korean ↔ English, in the words of the study note.

Where the note names a term in Korean (은닉층, 가중치, 활성화 함수, 장기 의존성, 순차 데이터) that is the word;
where it keeps the English (gradient, gate), the common Korean textbook term is used with the English beside it
on the glossary page. Every translation in the Korean catalogue uses these words: ``tests/words/test_catalogue.py``
checks
that a message with a ``strict`` term in English has its Korean term in the translation.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Term:
    english: str
    korean: str
    section: str | None = None  # the note's section (core.words.notes.SECTIONS) that introduces it
    strict: bool = False  # one Korean word for it everywhere (some English words have several senses)


TERMS = [
    Term("recurrent neural network", "순환 신경망", "what_is_an_rnn", strict=True),
    Term("sequential data", "순차 데이터", "what_is_an_rnn"),
    Term("sequence", "시퀀스", "what_is_an_rnn"),
    Term("sequence length", "시퀀스 길이", "what_is_an_rnn", strict=True),
    Term("hidden layer", "은닉층", "what_is_an_rnn", strict=True),
    Term("hidden state", "은닉 상태", "simple_rnn", strict=True),
    Term("hidden size", "은닉 크기", "simple_rnn", strict=True),
    Term("input", "입력", "simple_rnn"),
    Term("output", "출력", "simple_rnn"),
    Term("weight", "가중치", "simple_rnn", strict=True),
    Term("bias", "편향", "simple_rnn", strict=True),
    Term("activation function", "활성화 함수", "tanh", strict=True),
    Term("nonlinearity", "비선형 함수", "tanh", strict=True),
    Term("linear map", "선형 함수", "tanh"),
    Term("layer", "층", "tanh"),
    Term("character-level model", "문자 단위 모델", "intuition"),
    Term("one-hot encoding", "원-핫 인코딩", "intuition", strict=True),
    Term("one-hot vector", "원-핫 벡터", "intuition", strict=True),
    Term("training data", "학습 데이터", "intuition"),
    Term("time step", "타임스텝", "simple_rnn", strict=True),
    Term("long-term dependency", "장기 의존성", "problems", strict=True),
    Term("gradient", "기울기", "problems", strict=True),
    Term("vanishing gradient", "기울기 소실", "problems", strict=True),
    Term("exploding gradient", "기울기 폭주", "problems", strict=True),
    Term("gate", "게이트", "problems", strict=True),
    Term("cell state", "셀 상태", "problems", strict=True),
    Term("forget gate", "망각 게이트", "problems", strict=True),
    Term("cell", "셀"),
    Term("learning rate", "학습률", strict=True),
    Term("batch", "배치", strict=True),
    Term("epoch", "에포크", strict=True),
    Term("loss", "손실", strict=True),
    Term("accuracy", "정확도", strict=True),
    Term("prediction", "예측"),
    Term("sliding window", "슬라이딩 윈도우", strict=True),
    Term("seed", "시드", strict=True),
    Term("vocabulary", "어휘"),
    Term("softmax", "소프트맥스"),
    Term("cross-entropy", "교차 엔트로피", strict=True),
    Term("mean squared error", "평균 제곱 오차", strict=True),
    Term("backpropagation through time", "시간에 따른 역전파 (BPTT)"),
    Term("baseline", "기준선"),
    Term("test data", "테스트 데이터"),
    Term("validation data", "검증 데이터"),
]
