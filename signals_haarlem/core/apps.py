from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


def _clear_workdays_cache(sender, **kwargs):
    from signals_haarlem import workdays

    workdays.clear_cache()


class CoreConfig(AppConfig):
    name = 'signals_haarlem.core'
    label = 'haarlem_core'
    verbose_name = 'Haarlem basis'
    default_auto_field = 'django.db.models.BigAutoField'

    def ready(self):
        from .models import ClosureDay

        post_save.connect(_clear_workdays_cache, sender=ClosureDay,
                          dispatch_uid='haarlem_core.closureday.post_save.clear_workdays')
        post_delete.connect(_clear_workdays_cache, sender=ClosureDay,
                            dispatch_uid='haarlem_core.closureday.post_delete.clear_workdays')
