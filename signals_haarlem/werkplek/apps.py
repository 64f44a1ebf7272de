from django.apps import AppConfig


class WerkplekConfig(AppConfig):
    verbose_name = 'Werkplek'
    name = 'signals_haarlem.werkplek'
    label = 'werkplek'
    default_auto_field = 'django.db.models.BigAutoField'
