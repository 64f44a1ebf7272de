"""Data protection: contact details of reporters and complainants go once the retention period is over.

HAARLEM['RETENTION_DAYS'] (default two years) after a signal or complaint is closed, the personal
contact details are removed; what the figures and the complaints register need stays (dates, states,
categories, outcomes, the texts of the dossier). Two daily tasks share the work:

- reporters of signals (Signalen's Reporter records, current and earlier ones): `anonymise_reporters`
  here (task `signals_haarlem.core.tasks.anonymise_reporters`), through the boundary's
  `signalen.anonymise_reporters`, which blanks e-mail and phone and notes it in the signal's history;
- complainants (address, e-mail, phone of complainant and representative, the letters' address
  fields): the complaints app's `remove_expired_contact_details` (task
  `signals_haarlem.complaints.tasks.remove_expired_contact_details`).

A complaint that came from a signal has both: the signal's reporter (gone RETENTION_DAYS after the
signal closed) and the complainant's copy on the complaint (gone RETENTION_DAYS after the complaint
closed).
"""
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from signals_haarlem import signalen


def retention_days():
    return int(getattr(settings, 'HAARLEM', {}).get('RETENTION_DAYS', 730))


def cutoff(now=None):
    """Signals closed before this moment have passed the retention period."""
    return (now or timezone.now()) - timedelta(days=retention_days())


def anonymise_reporters(now=None):
    """Anonymise the reporters of signals closed more than RETENTION_DAYS ago; returns how many signals."""
    return signalen.anonymise_reporters(cutoff(now))
