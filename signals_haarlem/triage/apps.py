from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


def _rules_changed(sender, **kwargs):
    from . import engine
    engine.clear_cache()


def _area_changed(sender, **kwargs):
    from . import areas
    areas.areas_changed()


class TriageConfig(AppConfig):
    verbose_name = 'Triage'
    name = 'signals_haarlem.triage'
    label = 'haarlem_triage'
    default_auto_field = 'django.db.models.BigAutoField'

    def ready(self):
        from signals_haarlem import signalen
        from signals_haarlem.werkplek import nav

        from . import receivers
        from .models import Area, CategoryLane, Lane, Rule

        receivers.connect()
        for model in (Lane, Rule, CategoryLane, signalen.get_model('ServiceLevelObjective'),
                      signalen.get_model('Category')):
            name = model._meta.label_lower
            post_save.connect(_rules_changed, sender=model, dispatch_uid=f'haarlem_triage.{name}.saved')
            post_delete.connect(_rules_changed, sender=model, dispatch_uid=f'haarlem_triage.{name}.deleted')
        post_save.connect(_area_changed, sender=Area, dispatch_uid='haarlem_triage.area.saved')
        post_delete.connect(_area_changed, sender=Area, dispatch_uid='haarlem_triage.area.deleted')
        nav.register('Triage', 'triage_pages:overview', permission='haarlem_triage.view_decision', order=10)
