"""The keyword ranking behind criterion suggestions (openepa.domain.suggest): words, stems,
BM25 scores and order, table by table."""

from __future__ import annotations

import math

import pytest

from openepa.domain.standard import Method
from openepa.domain.suggest import KeywordIndex, criterion_document, stem, terms


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("complaints", "complaint"),
        ("complaint", "complaint"),
        ("complained", "complain"),
        ("handling", "handl"),
        ("policies", "policy"),
        ("services", "service"),
        ("processes", "process"),
        ("business", "business"),
        ("status", "status"),
        ("analysis", "analysis"),
        ("quickly", "quick"),
        ("gas", "gas"),  # short words are left alone
        ("uses", "use"),
    ],
)
def test_stem(word, expected):
    assert stem(word) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The customer's complaints were handled", ["customer", "complaint", "handl"]),
        ("I AM in the Health and Safety team", ["health", "safety", "team"]),
        ("GDPR, data-protection & 2 policies", ["gdpr", "data", "protection", "2", "policy"]),
        ("", []),
        ("and the of to", []),
    ],
)
def test_terms(text, expected):
    assert terms(text) == expected


DOCS = [
    ("A", "handle customer complaints and resolve complaints quickly"),
    ("B", "health and safety at work act responsibilities of employers"),
    ("C", "keep customer information confidential under data protection"),
]


@pytest.mark.parametrize(
    ("evidence", "expected_order"),
    [
        ("I resolved a complaint from an angry customer", ["A", "C"]),
        ("My employer's health and safety responsibilities", ["B"]),
        ("I locked the customer data so it stayed confidential", ["C", "A"]),
        ("Nothing in common at all", []),
        ("", []),
    ],
)
def test_rank_orders_by_score_and_leaves_out_unrelated(evidence, expected_order):
    assert [s.code for s in KeywordIndex.build(DOCS).rank(evidence)] == expected_order


def test_bm25_score_matches_the_formula_by_hand():
    index = KeywordIndex.build(DOCS)
    # "safety" appears once in B only: idf = ln(1 + (3 - 1 + 0.5) / (1 + 0.5)).
    idf = math.log(1 + 2.5 / 1.5)
    lengths = [len(terms(text)) for _, text in DOCS]
    average = sum(lengths) / 3
    norm = 1.2 * (1 - 0.75 + 0.75 * lengths[1] / average)
    expected = idf * 1 * (1.2 + 1) / (1 + norm)
    [only] = index.rank("safety")
    assert only.code == "B"
    assert only.score == pytest.approx(expected, abs=1e-4)


def test_ties_keep_the_given_order_and_top_cuts_the_list():
    docs = [("X", "greeting customers"), ("Y", "greeting customers"), ("Z", "greeting")]
    ranked = KeywordIndex.build(docs).rank("customers greeting")
    assert [s.code for s in ranked] == ["X", "Y", "Z"]
    assert [s.code for s in KeywordIndex.build(docs).rank("customers greeting", top=2)] == [
        "X",
        "Y",
    ]


def test_a_criterion_document_holds_its_wording_outcome_amplification_and_prompts(st0072):
    k21 = st0072.criterion("K2.1")
    module = next(m for m in st0072.modules if m.code == k21.module)
    document = criterion_document(k21, module)
    assert k21.text in document
    assert k21.outcome in document
    assert "Public, private or third sector" in document  # its amplification
    assert "brand promise" in document  # a prompt of its module


@pytest.mark.parametrize(
    ("evidence", "criterion"),
    [
        ("Our brand promise is that every customer is listened to and helped first time", "K2.2"),
        ("Under the Health and Safety at Work Act my employer must give me training", "K3.3"),
        ("I keep customer data confidential and never share passwords", "K3.2"),
    ],
)
def test_the_standard_s_own_words_rank_the_right_showcase_criterion_first(
    st0072, evidence, criterion
):
    modules = {m.code: m for m in st0072.modules}
    docs = [
        (c.code, criterion_document(c, modules[c.module]))
        for c in st0072.criteria
        if c.method == Method.SHOWCASE
    ]
    assert KeywordIndex.build(docs).rank(evidence, top=3)[0].code == criterion
