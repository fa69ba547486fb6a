from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .models import Notification, NotificationPreference, Reminder


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "status", "recipient", "organization", "due_at", "attempts", "sent_at"]
    list_filter = ["status", "kind"]
    list_select_related = ["recipient__user", "recipient__organization", "organization"]
    search_fields = ["title", "source_key", "recipient__user__email", "recipient__user__full_name"]
    autocomplete_fields = ["organization", "recipient"]
    readonly_fields = ["claimed_at", "sent_at", "attempts", "message_id", "created_at", "updated_at"]
    date_hierarchy = "due_at"
    actions = ["retry_now"]

    @admin.action(description=_("Send again now (failed, skipped, cancelled or unconfirmed reminders)"))
    def retry_now(self, request, queryset):
        count = services.reminders_retry(ids=list(queryset.values_list("pk", flat=True)))
        text = ngettext(
            "%(count)s reminder will go out within a minute.", "%(count)s reminders will go out within a minute.", count
        )
        self.message_user(request, text % {"count": count}, messages.SUCCESS)


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "recipient", "organization", "created_at", "read_at"]
    list_filter = ["kind"]
    list_select_related = ["recipient__user", "recipient__organization", "organization"]
    search_fields = ["title", "body", "recipient__user__email", "recipient__user__full_name"]
    autocomplete_fields = ["organization", "recipient"]
    raw_id_fields = ["reminder"]


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "email_enabled", "disabled_kinds", "session_lead_minutes", "quiet_start", "quiet_end"]
    list_filter = ["email_enabled"]
    list_select_related = ["user"]
    search_fields = ["user__email", "user__full_name"]
    autocomplete_fields = ["user"]
