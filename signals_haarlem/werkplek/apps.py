from django.apps import AppConfig
from django.conf import settings


class WerkplekConfig(AppConfig):
    """The werkplek: server-rendered pages for staff, shared shell (layout, navigation, login, search)."""
    name = 'signals_haarlem.werkplek'
    label = 'werkplek'
    verbose_name = 'Werkplek'
    default_auto_field = 'django.db.models.BigAutoField'

    def ready(self):
        from signals_haarlem import signalen
        # The admin logs in through the werkplek login (the same OIDC provider as the API). Inside
        # upstream Signalen its own admin login stays unless WERKPLEK_ADMIN_LOGIN is set.
        if getattr(settings, 'WERKPLEK_ADMIN_LOGIN', not signalen.UPSTREAM):
            from django.contrib import admin

            from .views import admin_login
            admin.site.login = admin_login
