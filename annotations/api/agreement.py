"""Agreement reports: read the stored AgreementReport rows (computed by a background job)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.decorators import api_view
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from annotations import roles
from annotations.api.serializers import AgreementReportSerializer
from annotations.models import AgreementReport, Article
from annotations.models.agreement import ReportScope

NOT_COMPUTED = OpenApiResponse(description="Problem: the report has not been computed yet.")


@extend_schema(
    summary="Inter-annotator agreement on one article",
    description="Reviewers see the report of an article once they submitted it (blind "
    "review); adjudicators and admins always.",
    responses={200: AgreementReportSerializer, 404: NOT_COMPUTED},
)
@api_view(["GET"])
def article_agreement(request: Request, id: int) -> Response:
    article = get_object_or_404(Article.objects.visible_to(request.user), pk=id)
    if (
        not roles.is_adjudicator(request.user)
        and not article.assignments.filter(reviewer=request.user, status="submitted").exists()
    ):
        raise NotFound("No agreement report you can see for this article yet.")
    report = AgreementReport.objects.filter(scope=ReportScope.ARTICLE, article=article).first()
    if report is None:
        raise NotFound("Agreement for this article has not been computed yet.")
    return Response(AgreementReportSerializer(report).data)


@extend_schema(
    summary="Inter-annotator agreement over the whole corpus",
    description="Adjudicators and admins only.",
    responses={200: AgreementReportSerializer, 404: NOT_COMPUTED},
)
@api_view(["GET"])
def corpus_agreement(request: Request) -> Response:
    if not roles.is_adjudicator(request.user):
        raise NotFound("No corpus agreement report you can see.")
    report = AgreementReport.objects.filter(scope=ReportScope.CORPUS).first()
    if report is None:
        raise NotFound("Corpus agreement has not been computed yet.")
    return Response(AgreementReportSerializer(report).data)
