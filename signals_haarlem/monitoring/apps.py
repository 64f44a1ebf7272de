from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    verbose_name = 'Monitoring'
    name = 'signals_haarlem.monitoring'
    label = 'haarlem_monitoring'
    default_auto_field = 'django.db.models.BigAutoField'

    def ready(self):
        from signals_haarlem.werkplek import nav
        nav.register('Monitoring', 'monitoring_pages:dashboard', permission='haarlem_monitoring.view_dashboard',
                     order=40)
