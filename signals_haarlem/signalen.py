"""The boundary to Signalen: the only module of a Haarlem app that knows where Signalen lives.

Inside upstream Signalen (`signals.apps.signals` installed) it uses upstream's models, hooks and
`Signal.actions`; otherwise the standalone core (`signals_haarlem.standalone`, also app label
`signals`). Haarlem apps import hooks, models and the few actions they need from here only.

    from signals_haarlem import signalen
    signalen.hooks.update_status.connect(receiver, dispatch_uid='...')
    Signal = signalen.get_model('Signal')
    signalen.set_status(signal, 'b', 'Opgepakt door Team Complex', user='x@haarlem.nl')
"""
import importlib
from types import SimpleNamespace

from django.apps import apps
from django.conf import settings

UPSTREAM = 'signals.apps.signals' in settings.INSTALLED_APPS

_HOOK_NAMES = ('create_initial', 'create_child', 'add_attachment', 'update_location', 'update_status',
               'update_category_assignment', 'update_reporter', 'update_priority', 'create_note', 'update_type',
               'update_user_assignment', 'update_signal_departments')

_managers = importlib.import_module(
    'signals.apps.signals.managers' if UPSTREAM else 'signals_haarlem.standalone.managers')

#: The Signalen hooks (Django signals): hooks.update_status.connect(...)
hooks = SimpleNamespace(**{name: getattr(_managers, name) for name in _HOOK_NAMES})

#: The state codes and labels of the status workflow.
workflow = importlib.import_module('signals.apps.signals.workflow' if UPSTREAM
                                   else 'signals_haarlem.standalone.workflow')

#: Raised when another change to the same signal holds its lock (standalone; upstream raises
#: DatabaseError, which the callers treat alike).
ConcurrentUpdate = getattr(_managers, 'ConcurrentUpdate', None)

# The open/closed split Haarlem's figures use.
CLOSED_STATES = frozenset({'o', 'a', 's'})


def get_model(name):
    """A Signalen model by name: 'Signal', 'Category', 'Department', 'Status', 'Type', 'Note', ..."""
    if name == 'Profile' and UPSTREAM:
        return apps.get_model('users', 'Profile')
    return apps.get_model('signals', name)


def _who(user):
    if user is None or isinstance(user, str):
        return user
    return getattr(user, 'email', None) or getattr(user, 'username', None)


def actions():
    return get_model('Signal').actions


def set_status(signal, state, text, user=None, send_email=False):
    """Change the signal's status (checked against the workflow); returns the new Status."""
    data = {'state': state, 'text': text, 'user': _who(user), 'send_email': send_email}
    return actions().update_status(data, signal)


def add_note(signal, text, user=None):
    """Add a note to the signal's Signalen history, so the backoffice shows it."""
    return actions().create_note({'text': text, 'created_by': _who(user)}, signal)


def set_routing_departments(signal, departments, user=None):
    """Route the signal to these departments (Department objects or ids)."""
    data = {'departments': [{'id': getattr(d, 'pk', d)} for d in departments], 'created_by': _who(user)}
    return actions().update_routing_departments(data, signal)


def set_type(signal, code, user=None):
    """Set the signal's type: SIG, REQ, QUE, COM, MAI or PRJ."""
    return actions().update_type({'name': code, 'created_by': _who(user)}, signal)


def current_state(signal):
    return signal.status.state if signal.status_id else ''


def type_code(signal):
    return signal.type_assignment.name if signal.type_assignment_id else 'SIG'


def category_of(signal):
    return signal.category_assignment.category if signal.category_assignment_id else None


def point_of(signal):
    """(lon, lat) of the signal's current location, or None."""
    location = signal.location if signal.location_id else None
    if location is None:
        return None
    coordinates = (location.geometrie or {}).get('coordinates') if isinstance(location.geometrie, dict) \
        else getattr(location.geometrie, 'coords', None)
    return tuple(coordinates) if coordinates else None


def reporter_contact(signal):
    """(email, phone) of the current reporter; empty strings if unknown."""
    reporter = signal.reporter if signal.reporter_id else None
    return (reporter.email or '', reporter.phone or '') if reporter else ('', '')


def user_departments(user):
    """The Department objects a staff member belongs to."""
    profile = getattr(user, 'profile', None)
    return list(profile.departments.all()) if profile is not None else []


def add_attachment(signal, file, user=None):
    """Attach an uploaded file to the signal (checked by content by the core); returns the Attachment."""
    if UPSTREAM:  # upstream's manager takes (file, signal) and has no creator argument
        attachment = actions().add_attachment(file, signal)
        if _who(user):
            attachment.created_by = _who(user)
            attachment.save(update_fields=['created_by'])
        return attachment
    return actions().add_attachment(file, signal, created_by=_who(user))


def main_category_of(signal):
    """The main (parent) category of the signal's current category, or None."""
    category = category_of(signal)
    if category is None:
        return None
    return category.parent if category.parent_id else category
