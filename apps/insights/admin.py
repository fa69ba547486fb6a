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
    fields = ["author", "text", "created_at"]
    readonly_fields = ["author", "text", "created_at"]

    def has_add_permission(self, request, obj=None):
        return False  # notes are added on the action's page, by the people who may


@admin.register(Action)
class ActionAdmin(SimpleHistoryAdmin):
    list_display = ["title", "owner", "status", "due_on", "organization"]
    list_filter = ["status", "organization"]
    list_select_related = ["owner__user", "owner__organization", "organization"]
    search_fields = ["title", "description", "outcome", "owner__user__email", "owner__user__full_name"]
    # What the services keep consistent (status and its closing time, reminders, same-organization links) is
    # changed on the site, not here.
    readonly_fields = ["organization", "owner", "created_by", "due_on", "status", "closed_at", "learnings"]
    inlines = [ActionNoteInline]


@admin.register(Pilot)
class PilotAdmin(SimpleHistoryAdmin):
    list_display = ["action", "starts_on", "ends_on", "metric", "verdict", "organization"]
    list_filter = ["verdict", "organization"]
    list_select_related = ["action", "organization"]
    search_fields = ["action__title", "change", "hypothesis", "metric"]
    readonly_fields = ["organization", "action", "locations", "starts_on", "ends_on", "result", "verdict"]


@admin.register(CustomerScore)
class CustomerScoreAdmin(admin.ModelAdmin):
    list_display = ["location", "metric", "period_start", "period_end", "value", "responses", "organization"]
    list_filter = ["metric", "organization"]
    list_select_related = ["location", "organization"]
    search_fields = ["location__name", "location__code"]
    raw_id_fields = ["location", "recorded_by"]
