from contextlib import nullcontext

from allauth.account.adapter import DefaultAccountAdapter
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation

from .selectors import language_for


def _recipient(context, email):
    """The person an allauth email goes to: the context's user, else the account that owns the address."""
    user = context.get("user")
    if user is not None and getattr(user, "pk", None):
        return user
    from allauth.account.models import EmailAddress

    address = EmailAddress.objects.filter(email__iexact=email).select_related("user").first()
    if address is not None:
        return address.user
    return get_user_model().objects.filter(email__iexact=email).first()


class AccountAdapter(DefaultAccountAdapter):
    def is_safe_url(self, url):
        # The site's rule for `next` (apps/core/redirects.py): only a path on this site, never a bare word.
        return bool(url) and url.startswith("/") and super().is_safe_url(url)

    def get_login_redirect_url(self, request):
        # An invitation link followed before logging in is honoured after it.
        next_invitation = request.session.pop("invitation_token", None)
        if next_invitation:
            return reverse("organizations:invitation_accept", args=[next_invitation])
        return super().get_login_redirect_url(request)

    def save_user(self, request, user, form, commit=True):
        user.full_name = form.cleaned_data.get("full_name", "").strip()
        return super().save_user(request, user, form, commit=commit)

    def get_signup_redirect_url(self, request):
        return self.get_login_redirect_url(request)

    def send_mail(self, template_prefix, email, context):
        # In the recipient's language (a password reset asked for from an English browser still reaches a
        # Norwegian member in Norwegian); an address nobody owns gets the page's language.
        language = language_for(_recipient(context, email))
        with translation.override(language) if language else nullcontext():
            return super().send_mail(template_prefix, email, context)
