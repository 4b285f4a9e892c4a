"""NOISY1 (i) (docs/theory.md, NOISY1): noisy chosen-prefix sampling is a randomised garbling
of `sample`: the law of noisy answers is the law of sample answers pushed through the
`eta`-channel, report by report."""

from __future__ import annotations

from fractions import Fraction

from genaccess.spec.access import AccessModel
from genaccess.spec.answer_law import AnswerLaw, Queries, answer_law
from genaccess.spec.control import Control
from genaccess.spec.generator import Generator
from genaccess.spec.noisy import NoisySample, NoisySampleReport, compute_channel
from genaccess.spec.observation import Report, Sample, SampleReport


def channel_pushforward(law: AnswerLaw, eta: Fraction, vocab_size: int) -> AnswerLaw:
    """The law of `sample` answers with every report passed through the `eta`-channel."""
    channels = [compute_channel(eta, vocab_size, a) for a in range(vocab_size)]
    image: AnswerLaw = {}
    for answers, p in law.items():
        branches: list[tuple[tuple[tuple[Report, ...], ...], Fraction]] = [((), p)]
        for answer in answers:
            steps: list[tuple[tuple[Report, ...], Fraction]] = [((), Fraction(1))]
            for report in answer:
                assert isinstance(report, SampleReport), report
                channel = channels[report.sampled]
                steps = [((*shown, NoisySampleReport(b)), w * q)
                         for shown, w in steps for b, q in channel.items()]
            branches = [((*done, shown), w * q) for done, w in branches for shown, q in steps]
        for key, w in branches:
            image[key] = image.get(key, Fraction(0)) + w
    return image


def is_NOISY1_garbling(generator: Generator, noisy: NoisySample, control: Control,
                       queries: Queries) -> bool:
    """NOISY1: the law of `noisy` answers to `queries` under `control` equals the law of
    `sample` answers pushed through the `eta`-channel, report by report."""
    clean = answer_law(generator, AccessModel(control, Sample()), queries)
    noisy_law = answer_law(generator, AccessModel(control, noisy), queries)
    return channel_pushforward(clean, noisy.eta, generator.vocab_size) == noisy_law
