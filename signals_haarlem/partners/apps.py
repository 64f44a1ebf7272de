from django.apps import AppConfig


class PartnersConfig(AppConfig):
    verbose_name = 'Ketenpartners'
    name = 'signals_haarlem.partners'
    label = 'haarlem_partners'
    default_auto_field = 'django.db.models.BigAutoField'

    def ready(self):
        from signals_haarlem.werkplek import nav

        from . import receivers
        receivers.connect()
        nav.register('Partners', 'partners_pages:overview', permission='haarlem_partners.view_partner', order=40)
