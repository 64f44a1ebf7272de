from django.apps import AppConfig


class PartnersConfig(AppConfig):
    verbose_name = 'Ketenpartners'
    name = 'signals_haarlem.partners'
    label = 'haarlem_partners'
    default_auto_field = 'django.db.models.BigAutoField'
