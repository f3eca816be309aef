"""Data model. One module per concern; import models from here."""

from __future__ import annotations

from .adjudication import ItemDismissal
from .agreement import AgreementReport, ReportScope, StaleAgreement
from .articles import ARTICLE_HEAVY_FIELDS, Article, ArticleRevision, ArticleStatus, MinHashBand
from .audit import AuditEvent, Via
from .imports import Feed, FeedEntry, ImportItem, ImportJob, ItemStatus, JobKind, JobStatus
from .review import (
    AnchorStatus,
    Annotation,
    AnnotationState,
    Assignment,
    AssignmentStatus,
    ClaimantType,
    Tag,
)
from .scales import VerdictLabel, VerdictScale
from .tokens import ApiToken

__all__ = [
    "ARTICLE_HEAVY_FIELDS",
    "AgreementReport",
    "AnchorStatus",
    "Annotation",
    "AnnotationState",
    "ApiToken",
    "Article",
    "ArticleRevision",
    "ArticleStatus",
    "Assignment",
    "AssignmentStatus",
    "AuditEvent",
    "ClaimantType",
    "Feed",
    "FeedEntry",
    "ImportItem",
    "ImportJob",
    "ItemDismissal",
    "ItemStatus",
    "JobKind",
    "JobStatus",
    "MinHashBand",
    "ReportScope",
    "StaleAgreement",
    "Tag",
    "VerdictLabel",
    "VerdictScale",
    "Via",
]
