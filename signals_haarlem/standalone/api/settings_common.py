"""What the settings endpoints share: absolute HAL links, permissions, the settings log.

Links are absolute URLs built from the request's host (the frontend compares them; a category is
keyed by its public URL), so they are the same for the same object on every call.
"""
from django.db import transaction
from django.urls import reverse
from rest_framework import permissions

from ..models import SettingsLog

PUBLIC_CATEGORIES_PATH = 'v1/public/terms/categories/'


def _signals_root():
    """The path the Signalen API is mounted at ('/signals/')."""
    try:
        return reverse('signals-health')
    except Exception:  # pragma: no cover  (mounted without the health view)
        return '/signals/'


def absolute(request, path):
    """An absolute URL for `path` (relative to the Signalen root, e.g. 'v1/private/users/1')."""
    return request.build_absolute_uri(_signals_root() + path.lstrip('/'))


def curies(request):
    return {'name': 'sia', 'href': absolute(request, 'v1/relations')}


def public_category_url_for(request, main_slug, sub_slug=None):
    if sub_slug is None:
        return absolute(request, f'{PUBLIC_CATEGORIES_PATH}{main_slug}')
    return absolute(request, f'{PUBLIC_CATEGORIES_PATH}{main_slug}/sub_categories/{sub_slug}')


def category_public_url(request, category):
    """The public URL of a category: the key the frontend uses for it everywhere."""
    if category.parent_id is None:
        return public_category_url_for(request, category.slug)
    return public_category_url_for(request, category.parent.slug, category.slug)


def category_private_url(request, category):
    return absolute(request, f'v1/private/categories/{category.pk}')


def status_message_templates_url(request, category):
    if category.parent_id is None:
        return absolute(request, f'v1/private/terms/categories/{category.slug}/status-message-templates')
    return absolute(request, f'v1/private/terms/categories/{category.parent.slug}/sub_categories/'
                             f'{category.slug}/status-message-templates')


def who(request):
    user = getattr(request, 'user', None)
    if user is None or not user.is_authenticated:
        return None
    return user.email or user.username


def log_change(request, kind, obj, data, action='update'):
    """Append a record of `data` (the changed fields) for `obj`; nothing when nothing changed."""
    if not data and action == 'update':
        return None
    return SettingsLog.objects.create(kind=kind, object_pk=obj.pk, action=action, data=data, who=who(request))


# -- permissions ----------------------------------------------------------------------------------

def is_staff_user(user):
    """Staff of the backoffice: superusers, staff, or holders of `signals.sia_read`."""
    return bool(user and user.is_authenticated and user.is_active
                and (user.is_superuser or user.is_staff or user.has_perm('signals.sia_read')))


class IsStaff(permissions.BasePermission):
    """Any staff member, for any method."""
    message = 'U heeft geen rechten voor deze actie.'

    def has_permission(self, request, view):
        return is_staff_user(request.user)


class StaffReadModelWrite(permissions.BasePermission):
    """Reading: any staff member. Changing: the model permission the view names
    (`write_permissions = {'POST': ['signals.add_department'], 'PATCH': [...], ...}`)."""
    message = 'U heeft geen rechten voor deze actie.'

    def has_permission(self, request, view):
        user = request.user
        if not is_staff_user(user):
            return False
        if request.method in permissions.SAFE_METHODS:
            return True
        needed = getattr(view, 'write_permissions', {}).get(request.method)
        if needed is None:
            return user.is_superuser
        return user.has_perms(needed)


class AtomicMixin:
    """One transaction per changing request; a refused one (any 4xx/5xx answer) writes nothing."""

    def dispatch(self, request, *args, **kwargs):
        if request.method not in ('POST', 'PUT', 'PATCH', 'DELETE'):
            return super().dispatch(request, *args, **kwargs)
        with transaction.atomic():
            response = super().dispatch(request, *args, **kwargs)
            if response.status_code >= 400:
                transaction.set_rollback(True)
            return response
