from allauth.account.adapter import DefaultAccountAdapter
from django.urls import reverse


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
