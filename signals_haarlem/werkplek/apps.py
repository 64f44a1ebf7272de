from django.apps import AppConfig


class WerkplekConfig(AppConfig):
    """The werkplek: server-rendered pages for staff, shared shell (layout, navigation, login)."""
    name = 'signals_haarlem.werkplek'
    label = 'werkplek'
    verbose_name = 'Werkplek'
    default_auto_field = 'django.db.models.BigAutoField'
