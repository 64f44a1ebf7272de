from django.apps import AppConfig


class TriageConfig(AppConfig):
    verbose_name = 'Triage'
    name = 'signals_haarlem.triage'
    label = 'haarlem_triage'
    default_auto_field = 'django.db.models.BigAutoField'
