"""Pure inter-annotator agreement metrics (no Django): see docs/agreement.md."""

from __future__ import annotations

from .alpha import (
    alpha_from_coincidence_dict,
    alpha_from_coincidences,
    coincidences_from_units,
    krippendorff_alpha,
)
from .jsonl import AgreementInputError, parse_jsonl, report_from_jsonl
from .kappa import (
    cohen_kappa,
    cohen_kappa_from_confusion,
    cohen_kappa_from_table,
    fleiss_kappa,
    fleiss_kappa_from_stats,
    fleiss_stats,
    merge_fleiss_stats,
)
from .metric import Metric
from .report import (
    ArticleStats,
    CorpusAggregate,
    ScaleLabel,
    article_report,
    article_stats,
    corpus_report,
)
from .spans import PRF, PairCounts, Span, align_items, match_pair, prf
from .unitizing import (
    UnitizingStats,
    alpha_u_from_stats,
    merge_unitizing_stats,
    unitizing_alpha,
    unitizing_stats,
)

__all__ = [
    "PRF",
    "AgreementInputError",
    "ArticleStats",
    "CorpusAggregate",
    "Metric",
    "PairCounts",
    "ScaleLabel",
    "Span",
    "UnitizingStats",
    "align_items",
    "alpha_from_coincidence_dict",
    "alpha_from_coincidences",
    "alpha_u_from_stats",
    "article_report",
    "article_stats",
    "cohen_kappa",
    "cohen_kappa_from_confusion",
    "cohen_kappa_from_table",
    "coincidences_from_units",
    "corpus_report",
    "fleiss_kappa",
    "fleiss_kappa_from_stats",
    "fleiss_stats",
    "krippendorff_alpha",
    "match_pair",
    "merge_fleiss_stats",
    "merge_unitizing_stats",
    "parse_jsonl",
    "prf",
    "report_from_jsonl",
    "unitizing_alpha",
    "unitizing_stats",
]
