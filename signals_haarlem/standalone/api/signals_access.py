"""Who may see and change which signals (as upstream Signalen).

- Superusers may do everything.
- Reading needs `signals.sia_read`, changing needs `signals.sia_write`; some changes need a finer
  permission too (status, category, notes, creating, splitting), as upstream.
- A user sees only signals in categories one of their departments is responsible for or may view
  (CategoryDepartment.is_responsible / can_view), unless they hold
  `signals.sia_can_view_all_categories`.
- Reporter contact details are masked unless the user holds `signals.sia_can_view_contact_details`.
"""
from django.db.models import Q
from rest_framework import permissions

from ..models import CategoryDepartment

MASK = '*****'


def has_perm(user, codename):
    """`codename` without app label ('sia_read'); superusers hold every permission."""
    if user is None or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return user.has_perm(f'signals.{codename}')


def sees_all_categories(user):
    return has_perm(user, 'sia_can_view_all_categories')


def can_view_contact_details(user):
    return has_perm(user, 'sia_can_view_contact_details')


def visible_category_ids(user):
    """The ids of the categories the user may see (None: every category).

    A list rather than a subquery: categories are few, and a plain IN list lets the database plan
    the signal query well (and is computed once per request)."""
    if sees_all_categories(user):
        return None
    cached = getattr(user, '_signals_visible_category_ids', None)
    if cached is None:
        cached = sorted(set(CategoryDepartment.objects.filter(
            Q(is_responsible=True) | Q(can_view=True), department__profiles__user=user,
        ).values_list('category_id', flat=True)))
        user._signals_visible_category_ids = cached
    return cached


def filter_for_user(queryset, user, prefix=''):
    """Only the signals (of `queryset`, reached through `prefix`) the user may see."""
    ids = visible_category_ids(user)
    if ids is None:
        return queryset
    return queryset.filter(**{f'{prefix}current_category_id__in': ids})


class SignalsPermission(permissions.BasePermission):
    """Authenticated, with `sia_read` for reading and `sia_write` for changing."""
    message = 'U heeft geen rechten voor deze actie.'

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if request.method in permissions.SAFE_METHODS:
            return has_perm(user, 'sia_read')
        return has_perm(user, 'sia_read') and has_perm(user, 'sia_write')


class SignalsReadPermission(SignalsPermission):
    """For POST endpoints that change nothing (e.g. an e-mail preview): `sia_read` suffices."""

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and has_perm(user, 'sia_read'))
