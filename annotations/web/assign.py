"""The admin's assignment page: pick articles and reviewers, assign with an overlap, undo."""

from __future__ import annotations

from collections import Counter

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from annotations import roles
from annotations.ids import parse_id
from annotations.models import Article, ArticleStatus, Assignment, Via
from annotations.services import assignment as service

PAGE_SIZE = 50


def reviewers() -> list:
    User = get_user_model()
    return list(
        User.objects.filter(is_active=True)
        .filter(Q(groups__name=roles.REVIEWER))
        .distinct()
        .order_by("username")
    )


def _seed(value: str) -> int | None:
    number = parse_id(value.removeprefix("-"))
    return None if number is None else (-number if value.startswith("-") else number)


def _ints(values: list[str]) -> list[int]:
    return [n for v in values if (n := parse_id(v)) is not None]


@login_required
def assign(request: HttpRequest) -> HttpResponse:
    if not roles.is_admin(request.user):
        raise PermissionDenied
    if request.method == "POST":
        _post(request)
        return redirect(request.get_full_path())
    status = request.GET.get("status", "")
    source = request.GET.get("source", "").strip()[:200]
    articles = Article.objects.defer("text", "raw", "minhash", "removed_lines").order_by(
        "-created_at", "-pk"
    )
    if status in ArticleStatus.values:
        articles = articles.filter(status=status)
    else:
        status = ""
    if source:
        articles = articles.filter(source__icontains=source)
    articles = articles.prefetch_related(
        Prefetch(
            "assignments",
            queryset=Assignment.objects.filter(active=True).select_related("reviewer"),
            to_attr="active_assignments",
        )
    )
    page = Paginator(articles, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "annotations/adjudicate/assign.html",
        {
            "page": page,
            "status": status,
            "source": source,
            "statuses": ArticleStatus.choices,
            "reviewers": reviewers(),
        },
    )


def _post(request: HttpRequest) -> None:
    op = request.POST.get("op")
    try:
        if op == "assign":
            raw_overlap = request.POST.get("overlap", "")
            seed = request.POST.get("seed", "").strip()
            created = service.assign_articles(
                by=request.user,
                article_ids=_ints(request.POST.getlist("articles")),
                reviewer_ids=_ints(request.POST.getlist("reviewers")),
                overlap=parse_id(raw_overlap) or 0,
                strategy=request.POST.get("strategy", "round_robin"),
                seed=_seed(seed),
                via=Via.UI,
            )
            per = Counter(a.reviewer.username for a in created)
            spread = ", ".join(f"{name} {n}" for name, n in sorted(per.items())) or "nobody"
            messages.success(
                request,
                f"Created {len(created)} assignments on "
                f"{len({a.article_id for a in created})} articles: {spread}.",
            )
        elif op in ("unassign", "reassign"):
            pk = request.POST.get("assignment", "")
            assignment = get_object_or_404(Assignment, pk=parse_id(pk) or 0)
            if op == "unassign":
                service.unassign(by=request.user, assignment=assignment, via=Via.UI)
                messages.success(
                    request,
                    f"Unassigned {assignment.reviewer.username} from article "
                    f"{assignment.article_id}.",
                )
            else:
                to_pk = request.POST.get("reviewer", "")
                to = get_object_or_404(get_user_model(), pk=parse_id(to_pk) or 0)
                service.reassign(by=request.user, assignment=assignment, to_reviewer=to, via=Via.UI)
                messages.success(
                    request,
                    f"Article {assignment.article_id} moved from "
                    f"{assignment.reviewer.username} to {to.username}.",
                )
        else:
            messages.error(request, "Unknown action.")
    except service.AssignmentError as exc:
        messages.error(request, str(exc))
