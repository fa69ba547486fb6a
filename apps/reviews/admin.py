from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import mailing
from .models import MonthlySend, Pack, ReviewEmail


@admin.register(ReviewEmail)
class ReviewEmailAdmin(admin.ModelAdmin):
    list_display = ["kind", "period", "status", "recipient", "organization", "due_at", "attempts", "sent_at"]
    list_filter = ["status", "kind"]
    list_select_related = ["recipient__user", "recipient__organization", "organization"]
    search_fields = ["period", "recipient__user__email", "recipient__user__full_name", "message_id"]
    autocomplete_fields = ["organization", "recipient"]
    readonly_fields = ["claimed_at", "sent_at", "attempts", "message_id", "note", "created_at", "updated_at"]
    date_hierarchy = "due_at"
    actions = ["send_again"]

    @admin.action(description=_("Send again now (unconfirmed, failed or skipped emails)"))
    def send_again(self, request, queryset):
        count = mailing.emails_send_again(ids=list(queryset.values_list("pk", flat=True)))
        text = ngettext(
            "%(count)s email will go out within five minutes.",
            "%(count)s emails will go out within five minutes.",
            count,
        )
        self.message_user(request, text % {"count": count}, messages.SUCCESS)


@admin.register(Pack)
class PackAdmin(admin.ModelAdmin):
    list_display = ["period", "scope_key", "language", "status", "organization", "pages", "size", "generated_at"]
    list_filter = ["status", "language"]
    list_select_related = ["organization"]
    search_fields = ["period", "scope_key", "organization__name"]
    autocomplete_fields = ["organization"]
    raw_id_fields = ["requested_by"]
    readonly_fields = ["data_version", "claimed_at", "generated_at", "size", "pages", "error", "created_at"]
    exclude = ["html"]


@admin.register(MonthlySend)
class MonthlySendAdmin(admin.ModelAdmin):
    list_display = ["organization", "enabled", "day", "roles"]
    list_filter = ["enabled"]
    list_select_related = ["organization"]
    search_fields = ["organization__name"]
    autocomplete_fields = ["organization"]
    filter_horizontal = ["people"]
