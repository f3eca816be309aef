"""An admin can open every model's list and add pages in the Django admin."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse

from tests.factories import make_annotation


@pytest.mark.parametrize(
    "model", [m for m in admin.site._registry if m._meta.app_label == "annotations"]
)
def test_admin_changelist_opens(client, admin_user, article, alice, model):
    from annotations.services.accounts import ensure_roles

    ensure_roles()
    make_annotation(article, alice, 0, 5)
    client.force_login(admin_user)
    url = reverse(f"admin:annotations_{model._meta.model_name}_changelist")
    assert client.get(url).status_code == 200
