"""What the API reads and writes. Writes validate their shape here; the rules (who may log for whom, which
location, bounds on dates) are the services', the same as the pages'."""

from rest_framework import serializers

from apps.engagements.models import CustomerType, Engagement, Kind, LearningKind

MAX_NOTES = 5000
MAX_TEXT = 5000
MAX_QUOTE = 2000


class ParticipantSerializer(serializers.Serializer):
    membership = serializers.IntegerField(source="membership_id")
    name = serializers.CharField(source="membership.display_name")
    minutes = serializers.IntegerField()


class LearningSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    text = serializers.CharField()
    quote = serializers.CharField()
    author = serializers.IntegerField(source="author_id")


class EngagementSerializer(serializers.ModelSerializer):
    leader = serializers.IntegerField(source="leader_id")
    leader_name = serializers.CharField(source="leader.display_name")
    location = serializers.IntegerField(source="location_id", allow_null=True)
    location_name = serializers.SerializerMethodField()
    logged_by = serializers.IntegerField(source="logged_by_id")
    participants = ParticipantSerializer(many=True)
    learnings = LearningSerializer(many=True)

    class Meta:
        model = Engagement
        fields = [
            "id",
            "client_uuid",
            "kind",
            "started_at",
            "duration_minutes",
            "leader",
            "leader_name",
            "location",
            "location_name",
            "customer_type",
            "customers_met",
            "notes",
            "logged_by",
            "participants",
            "learnings",
            "created_at",
            "updated_at",
        ]

    def get_location_name(self, engagement) -> str | None:
        return engagement.location.name if engagement.location_id else None


class NewLearningSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=LearningKind.choices, default=LearningKind.OBSERVATION)
    text = serializers.CharField(max_length=MAX_TEXT)
    quote = serializers.CharField(max_length=MAX_QUOTE, required=False, allow_blank=True, default="")


class NewEngagementSerializer(serializers.Serializer):
    """An engagement to log. `client_uuid` is the caller's own id for it: sending it again returns the first."""

    client_uuid = serializers.UUIDField()
    leader = serializers.IntegerField(
        help_text="The executive whose customer time this is (yourself, or one you support)."
    )
    kind = serializers.ChoiceField(choices=Kind.choices)
    started_at = serializers.DateTimeField()
    duration_minutes = serializers.IntegerField(min_value=1, max_value=24 * 60)
    location = serializers.IntegerField(required=False, allow_null=True, default=None)
    customer_type = serializers.ChoiceField(choices=CustomerType.choices, default=CustomerType.EXTERNAL)
    customers_met = serializers.IntegerField(min_value=0, max_value=100000, required=False, allow_null=True)
    notes = serializers.CharField(max_length=MAX_NOTES, required=False, allow_blank=True, default="")
    participants = serializers.ListField(child=serializers.IntegerField(), required=False, default=list, max_length=50)
    learnings = NewLearningSerializer(many=True, required=False, default=list)


class ActionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    description = serializers.CharField()
    status = serializers.CharField()
    owner = serializers.IntegerField(source="owner_id")
    owner_name = serializers.CharField(source="owner.display_name")
    due_on = serializers.DateField()
    outcome = serializers.CharField()
    dropped_reason = serializers.CharField()
    closed_at = serializers.DateTimeField(allow_null=True)
    learning_count = serializers.IntegerField()
    created_at = serializers.DateTimeField()
