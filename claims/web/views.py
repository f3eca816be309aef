"""Claim pages: the list of groups, a claim side by side, open conflicts, fact-check import."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from annotations import roles
from annotations.models import Via
from claims.models import ClaimAppearance, MatchCandidate
from claims.services import conflicts, factchecks, groups, reading

PAGE_SIZE = 50
# Conflicts shown on a claim's page; the rest are on the (paged) conflicts page.
DETAIL_CONFLICTS = 20


def _require_reviewer(request: HttpRequest) -> None:
    if not roles.is_reviewer(request.user):
        raise PermissionDenied


@login_required
def claim_list(request: HttpRequest) -> HttpResponse:
    _require_reviewer(request)
    show_all = request.GET.get("all") == "1"
    qs = reading.visible_claims(request.user)
    if not show_all:
        qs = qs.filter(visible_articles__gte=2)
    qs = qs.order_by("-visible_articles", "-pk")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    open_conflicts = reading.conflicts_of(request.user).open().count()
    return render(
        request,
        "claims/list.html",
        {"page": page, "show_all": show_all, "open_conflicts": open_conflicts},
    )


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 18 else None


@login_required
@require_http_methods(["GET", "POST"])
def claim_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_reviewer(request)
    claim = get_object_or_404(reading.visible_claims(request.user), pk=pk)
    if request.method == "POST":
        return _claim_action(request, claim)
    appearances = reading.appearances_of(request.user, claim)
    candidates = (
        MatchCandidate.objects.visible_to(request.user)
        .filter(claim=claim, status="suggested")
        .select_related("article")
    )
    labels = []
    if appearances:
        labels = list(appearances[0].article.verdict_scale.labels.all())
    claim_conflicts = reading.conflicts_of(request.user, claim)
    conflicts_shown = list(claim_conflicts[:DETAIL_CONFLICTS])
    conflict_count = (
        len(conflicts_shown) if len(conflicts_shown) < DETAIL_CONFLICTS else claim_conflicts.count()
    )
    return render(
        request,
        "claims/detail.html",
        {
            "claim": claim,
            "appearances": appearances,
            # A much-reported claim can have thousands: the first ones here, all on the
            # conflicts page (paged).
            "conflicts": conflicts_shown,
            "conflict_count": conflict_count,
            "candidates": candidates,
            "earlier": claim.earlier_checks.select_related("fact_check"),
            "labels": labels,
            "is_adjudicator": roles.is_adjudicator(request.user),
            "article_count": len({a.article_id for a in appearances}),
        },
    )


def _claim_action(request: HttpRequest, claim: object) -> HttpResponse:
    op = request.POST.get("op", "")
    user = request.user
    try:
        if op == "publish":
            groups.publish_verdict(
                by=user,
                claim=claim,
                verdict=request.POST.get("verdict", ""),
                rationale=request.POST.get("rationale", ""),
                canonical_text=request.POST.get("canonical_text") or None,
                via=Via.UI,
            )
            messages.success(request, "Verdict published for the whole claim group.")
        elif op == "merge":
            other_id = _int(request.POST.get("other"))
            other = reading.visible_claims(user).filter(pk=other_id).first()
            if other is None:
                raise groups.GroupError("No such claim to merge.")
            target = groups.merge_claims(user=user, target=claim, other=other, via=Via.UI)
            messages.success(request, f"Claim {other.pk} merged into this one.")
            return redirect("claim-detail", pk=target.pk)
        elif op == "split":
            ids = [i for i in (_int(v) for v in request.POST.getlist("appearance")) if i]
            visible = set(
                ClaimAppearance.objects.visible_to(user)
                .filter(claim=claim, pk__in=ids)
                .values_list("pk", flat=True)
            )
            new = groups.split_claim(user=user, claim=claim, appearance_ids=sorted(visible))
            messages.success(request, "Split off into a new claim.")
            return redirect("claim-detail", pk=new.pk)
        elif op in ("confirm", "reject"):
            candidate = get_object_or_404(
                MatchCandidate.objects.visible_to(user), pk=_int(request.POST.get("candidate"))
            )
            if op == "confirm":
                groups.confirm_candidate(user=user, candidate=candidate)
            else:
                groups.reject_candidate(user=user, candidate=candidate)
        else:
            raise Http404
    except (groups.GroupError, PermissionError) as exc:
        messages.error(request, str(exc))
    return redirect("claim-detail", pk=claim.pk)


@login_required
@require_http_methods(["GET", "POST"])
def conflict_list(request: HttpRequest) -> HttpResponse:
    _require_reviewer(request)
    if request.method == "POST":
        conflict = get_object_or_404(
            reading.conflicts_of(request.user), pk=_int(request.POST.get("conflict"))
        )
        try:
            conflicts.resolve_conflict(
                by=request.user, conflict=conflict, resolution=request.POST.get("resolution")
            )
            messages.success(request, "Conflict resolved.")
        except (conflicts.ConflictError, PermissionError) as exc:
            messages.error(request, str(exc))
        return redirect("claim-conflicts")
    state = "resolved" if request.GET.get("status") == "resolved" else "open"
    items = reading.conflicts_of(request.user).filter(status=state)
    claim_id = _int(request.GET.get("claim"))
    if claim_id is not None:
        items = items.filter(claim_id=claim_id)
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "claims/conflicts.html",
        {
            "page": page,
            "state": state,
            "claim_id": claim_id,
            "is_adjudicator": roles.is_adjudicator(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def fact_checks(request: HttpRequest) -> HttpResponse:
    if not roles.is_admin(request.user):
        raise PermissionDenied
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, "Choose a .json, .jsonl or .csv file.")
        else:
            try:
                result = factchecks.import_fact_checks(
                    user=request.user, payload=upload.read(), filename=upload.name or ""
                )
                messages.success(
                    request,
                    f"{result.created} fact-checks imported, {result.skipped} known already"
                    + (
                        f"; {len(result.errors)} rows refused: {'; '.join(result.errors[:5])}"
                        if result.errors
                        else "."
                    ),
                )
            except factchecks.FactCheckImportError as exc:
                messages.error(request, str(exc))
        return redirect("claim-fact-checks")
    from claims.models import EarlierFactCheck

    return render(
        request,
        "claims/fact_checks.html",
        {"checks": EarlierFactCheck.objects.all()[:200], "count": EarlierFactCheck.objects.count()},
    )
