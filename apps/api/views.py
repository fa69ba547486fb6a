"""The REST API, version 1. Views orchestrate: the organization is the token's (or the session's), reads go
through the pages' selectors, writes through their services, so tenancy and roles hold by construction."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework import mixins, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response

from apps.engagements import selectors as engagement_selectors
from apps.engagements import services as engagement_services
from apps.engagements.forms import FeedFilterForm
from apps.engagements.models import Engagement, Kind
from apps.insights import selectors as insight_selectors
from apps.insights.forms import ActionFilterForm
from apps.insights.models import Action, ActionStatus
from apps.organizations import selectors as org_selectors
from apps.organizations.models import Location, Membership

from .permissions import IsMember, WritesNeedWriteAccess, membership_of
from .serializers import ActionSerializer, EngagementSerializer, NewEngagementSerializer


class Pages(CursorPagination):
    """Cursor pages: stable under inserts, and as fast on the last page as on the first."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class NewestFirst(Pages):
    ordering = ("-started_at", "-id")


def _one_of(model_queryset, pk, field):
    """An id of the caller's organization, else the field's message (another organization's id is unknown)."""
    if pk is None:
        return None
    found = model_queryset.filter(pk=pk).first()
    if found is None:
        raise ValidationError({field: ["No such id in your organization."]})
    return found


FEED_FILTERS = [
    OpenApiParameter("leader", int, description="Credited to this executive (any participant)"),
    OpenApiParameter("kind", str, enum=Kind.values),
    OpenApiParameter("location", int),
    OpenApiParameter("region", int),
    OpenApiParameter("period", str, enum=["week", "month", "quarter", "30d", "90d", "year", "custom"]),
    OpenApiParameter("start", str, description="From this day on (YYYY-MM-DD), on your clock"),
    OpenApiParameter("end", str, description="Up to and including this day (YYYY-MM-DD)"),
]


class EngagementViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Customer time: the feed's entries with their participants and learnings."""

    serializer_class = EngagementSerializer
    permission_classes = [IsMember, WritesNeedWriteAccess]
    pagination_class = NewestFirst
    queryset = Engagement.objects.none()  # for the schema; the real one is the organization's, below

    def get_queryset(self):
        """The feed's entries, filtered by the feed's own form (the same fields, the same messages)."""
        organization = membership_of(self.request).organization_id
        form = FeedFilterForm(
            self.request.query_params or None,
            executives=org_selectors.executives(organization=organization),
            regions=org_selectors.region_list(organization=organization),
            locations=org_selectors.location_list(organization=organization, include_inactive=True),
        )
        filters = {}
        if form.is_bound:
            if not form.is_valid():
                raise ValidationError({name: list(errors) for name, errors in form.errors.items()})
            data = form.cleaned_data
            start, end = engagement_selectors.period_range(data.get("period"), data.get("start"), data.get("end"))
            filters = {
                "leader": data.get("leader"),
                "kind": data.get("kind") or None,
                "location": data.get("location"),
                "region": data.get("region"),
                "start": start,
                "end": end,
            }
        return engagement_selectors.engagement_feed(organization=organization, **filters)

    @extend_schema(parameters=FEED_FILTERS)
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(
        request=NewEngagementSerializer,
        responses={201: EngagementSerializer, 200: EngagementSerializer},
        description="Log customer time. Sending the same `client_uuid` again returns the entry it made (200).",
    )
    def create(self, request):
        incoming = NewEngagementSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        member = membership_of(request)
        organization = member.organization_id
        members = Membership.objects.for_organization(organization)
        engagement, created = engagement_services.engagement_create(
            logged_by=member,
            leader=_one_of(members, data["leader"], "leader"),
            client_uuid=data["client_uuid"],
            kind=data["kind"],
            started_at=data["started_at"],
            duration_minutes=data["duration_minutes"],
            location=_one_of(Location.objects.for_organization(organization), data["location"], "location"),
            customer_type=data["customer_type"],
            customers_met=data.get("customers_met"),
            notes=data["notes"],
            other_participants=[_one_of(members, pk, "participants") for pk in data["participants"]],
            learnings=[dict(item) for item in data["learnings"]],
        )
        shown = engagement_selectors.engagement_get(organization=organization, pk=engagement.pk)
        return Response(
            EngagementSerializer(shown).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )


class SoonestDueFirst(Pages):
    ordering = ("due_on", "id")


class ActionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Actions: what the organization does about what customers said, soonest due first."""

    serializer_class = ActionSerializer
    permission_classes = [IsMember, WritesNeedWriteAccess]
    pagination_class = SoonestDueFirst
    queryset = Action.objects.none()  # for the schema; the real one is the organization's, below

    def get_queryset(self):
        """The action list's entries, filtered by its own form (owner, status)."""
        organization = membership_of(self.request).organization_id
        form = ActionFilterForm(
            self.request.query_params or None,
            owners=insight_selectors.action_owner_choices(organization=organization),
        )
        filters = {}
        if form.is_bound:
            if not form.is_valid():
                raise ValidationError({name: list(errors) for name, errors in form.errors.items()})
            filters = {"owner": form.cleaned_data.get("owner"), "status": form.cleaned_data.get("status") or None}
        return insight_selectors.action_list(organization=organization, **filters)

    @extend_schema(
        parameters=[OpenApiParameter("owner", int), OpenApiParameter("status", str, enum=ActionStatus.values)]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)


class SchemaView(SpectacularAPIView):
    """The OpenAPI 3 schema (YAML, or JSON with ?format=json)."""


class DocsView(SpectacularSwaggerSplitView):
    """Swagger UI, its files served from this site (drf-spectacular-sidecar), its script a file (CSP)."""
