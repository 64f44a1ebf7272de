from django.db import models


class ClosureDay(models.Model):
    """A day the municipality is closed; it is not a working day (see signals_haarlem.workdays)."""

    date = models.DateField('datum', unique=True)
    reason = models.CharField('reden', max_length=200)

    class Meta:
        verbose_name = 'Sluitingsdag'
        verbose_name_plural = 'Sluitingsdagen'
        ordering = ['date']

    def __str__(self):
        return f'{self.date:%d-%m-%Y}: {self.reason}'
