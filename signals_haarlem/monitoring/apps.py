from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    verbose_name = 'Monitoring'
    name = 'signals_haarlem.monitoring'
    label = 'haarlem_monitoring'
    default_auto_field = 'django.db.models.BigAutoField'
