from django import template

register = template.Library()


@register.filter
def invitation_status(invitation, now):
    return invitation.status(now)
