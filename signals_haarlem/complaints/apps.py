from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    verbose_name = 'Klachten'
    name = 'signals_haarlem.complaints'
    label = 'haarlem_complaints'
    default_auto_field = 'django.db.models.BigAutoField'
