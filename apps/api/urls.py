from django.urls import include, path
from rest_framework.routers import SimpleRouter

from . import pages, views

app_name = "api"

router = SimpleRouter()
router.register("engagements", views.EngagementViewSet, basename="engagement")
router.register("actions", views.ActionViewSet, basename="action")

urlpatterns = [
    path("tokens/", pages.tokens, name="tokens"),
    path("tokens/<int:pk>/revoke/", pages.token_revoke, name="token_revoke"),
    path("v1/schema/", views.SchemaView.as_view(), name="schema"),
    path("v1/docs/", views.DocsView.as_view(url_name="api:schema"), name="docs"),
    path("v1/", include(router.urls)),
]
