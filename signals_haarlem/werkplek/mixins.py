"""Shared pieces for werkplek pages: login plus a Django permission, 403 otherwise."""
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin


class WerkplekPage(LoginRequiredMixin, PermissionRequiredMixin):
    """Base for werkplek views: anonymous users go to the login page, users without the
    permission get a 403 page (never the content)."""
    raise_exception = False

    def handle_no_permission(self):
        if self.request.user.is_authenticated:
            from django.core.exceptions import PermissionDenied
            raise PermissionDenied('U heeft geen toegang tot deze pagina.')
        return super().handle_no_permission()
