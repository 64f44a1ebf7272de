"""History records: written once, never changed or deleted.

Every app keeps its history (status records, triage decisions, complaint events, partner events)
in models derived from `AppendOnly`. A few delivery fields may be filled in once after creation
(e.g. a letter's PDF once it has been rendered): list them in `fill_once_fields` and save them with
`update_fields`.
"""
from django.core.exceptions import ValidationError
from django.db import models


class AppendOnly(models.Model):
    #: Fields that may be filled in after creation, saved with update_fields=[...] only.
    fill_once_fields = ()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            fields = set(kwargs.get('update_fields') or ())
            if not fields or not fields <= set(self.fill_once_fields):
                raise ValidationError(f'{self.__class__.__name__} is append-only; add a new record instead.')
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(f'{self.__class__.__name__} is append-only; it cannot be deleted.')
