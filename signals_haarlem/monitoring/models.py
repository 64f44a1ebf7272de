"""The monitoring app has no data of its own: its figures are computed from the triage, complaints,
partners and Signalen tables (services.py). This model only carries the permission to see them."""
from django.db import models


class Dashboard(models.Model):
    """Holds the permission `haarlem_monitoring.view_dashboard` (no rows are ever written)."""

    class Meta:
        verbose_name = 'monitoringsdashboard'
        verbose_name_plural = 'monitoringsdashboards'
        default_permissions = ()
        permissions = [('view_dashboard', 'Monitoring-dashboard bekijken')]
