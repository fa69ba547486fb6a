from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Action, ActionNote, CustomerScore, Pilot, Theme


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["name", "keywords", "organization"]
    list_filter = ["organization"]
    list_select_related = ["organization"]
    search_fields = ["name", "keywords"]


class ActionNoteInline(admin.TabularInline):
    model = ActionNote
    extra = 0
    raw_id_fields = ["author"]
    exclude = ["organization"]


@admin.register(Action)
class ActionAdmin(SimpleHistoryAdmin):
    list_display = ["title", "owner", "status", "due_on", "organization"]
    list_filter = ["status", "organization"]
    list_select_related = ["owner__user", "owner__organization", "organization"]
    search_fields = ["title", "description", "outcome", "owner__user__email", "owner__user__full_name"]
    raw_id_fields = ["owner", "created_by", "learnings"]
    inlines = [ActionNoteInline]


@admin.register(Pilot)
class PilotAdmin(SimpleHistoryAdmin):
    list_display = ["action", "starts_on", "ends_on", "metric", "verdict", "organization"]
    list_filter = ["verdict", "organization"]
    list_select_related = ["action", "organization"]
    search_fields = ["action__title", "change", "hypothesis", "metric"]
    raw_id_fields = ["action", "locations"]


@admin.register(CustomerScore)
class CustomerScoreAdmin(admin.ModelAdmin):
    list_display = ["location", "metric", "period_start", "period_end", "value", "responses", "organization"]
    list_filter = ["metric", "organization"]
    list_select_related = ["location", "organization"]
    search_fields = ["location__name", "location__code"]
    raw_id_fields = ["location", "recorded_by"]
