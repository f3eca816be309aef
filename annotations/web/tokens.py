"""The "API tokens" settings page: create a token (its key is shown once) and revoke tokens."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from annotations.models import ApiToken, Via
from annotations.models.tokens import TokenScope
from annotations.services import tokens


@login_required
@require_http_methods(["GET", "POST"])
def token_list(request: HttpRequest) -> HttpResponse:
    new_key = None
    new_token = None
    form = {"name": "", "scope": TokenScope.READ}
    if request.method == "POST":
        form = {
            "name": request.POST.get("name", ""),
            "scope": request.POST.get("scope", TokenScope.READ),
        }
        try:
            new_token, new_key = tokens.create_token(
                user=request.user, name=form["name"], scope=form["scope"], via=Via.UI
            )
        except tokens.TokenError as exc:
            messages.error(request, str(exc))
        else:
            form = {"name": "", "scope": TokenScope.READ}
    user_tokens = ApiToken.objects.filter(user=request.user).order_by("-created_at", "-pk")
    return render(
        request,
        "annotations/tokens.html",
        {
            "tokens": user_tokens,
            "new_key": new_key,
            "new_token": new_token,
            "form": form,
            "scopes": TokenScope.choices,
        },
        status=400 if request.method == "POST" and new_key is None else 200,
    )


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    tokens.revoke_token(user=request.user, token=token, via=Via.UI)
    messages.success(request, f"Token “{token.name}” revoked; clients using it now get 401.")
    return redirect("api-tokens")
