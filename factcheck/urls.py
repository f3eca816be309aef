from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("api/claims/", include("claims.api.urls")),
    path("api/", include("annotations.api.urls")),
    path("claims/", include("claims.web.urls")),
    path("", include("annotations.web.urls")),
]

handler404 = "annotations.web.errors.page_not_found"
handler500 = "annotations.web.errors.server_error"
