from django import forms
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Engagement, Learning, Participant


class ParticipantAdminForm(forms.ModelForm):
    """A participant's start and kind are copies of their engagement's (see the model): shown, never typed in."""

    class Meta:
        model = Participant
        fields = ["organization", "engagement", "membership", "minutes"]

    def save(self, commit=True):
        engagement = self.instance.engagement
        self.instance.started_at, self.instance.kind = engagement.started_at, engagement.kind
        return super().save(commit)


class ParticipantInline(admin.TabularInline):
    model = Participant
    form = ParticipantAdminForm
    extra = 0
    raw_id_fields = ["membership"]
    readonly_fields = ["started_at", "kind"]


class LearningInline(admin.StackedInline):
    model = Learning
    extra = 0
    raw_id_fields = ["author"]


@admin.register(Engagement)
class EngagementAdmin(SimpleHistoryAdmin):
    list_display = ["started_at", "kind", "location", "leader", "duration_minutes", "organization"]
    list_filter = ["kind", "customer_type", "organization"]
    list_select_related = ["location", "leader__user", "leader__organization", "organization"]
    search_fields = ["notes", "location__name", "leader__user__email", "leader__user__full_name"]
    raw_id_fields = ["location", "leader", "logged_by"]
    date_hierarchy = "started_at"
    inlines = [ParticipantInline, LearningInline]


@admin.register(Participant)
class ParticipantAdmin(admin.ModelAdmin):
    form = ParticipantAdminForm
    readonly_fields = ["started_at", "kind"]
    list_display = ["engagement", "membership", "minutes"]
    list_select_related = ["engagement__location", "membership__user", "membership__organization"]
    search_fields = ["membership__user__email", "membership__user__full_name"]
    raw_id_fields = ["engagement", "membership"]


@admin.register(Learning)
class LearningAdmin(SimpleHistoryAdmin):
    list_display = ["kind", "short_text", "author", "engagement", "created_at"]
    list_filter = ["kind", "organization"]
    list_select_related = ["author__user", "author__organization", "engagement__location"]
    search_fields = ["text", "quote", "author__user__email"]
    raw_id_fields = ["engagement", "author"]

    @admin.display(description="Text")
    def short_text(self, obj):
        return obj.text[:80]
