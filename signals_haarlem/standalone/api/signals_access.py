"""Who may see and change which signals (as upstream Signalen).

- Superusers may do everything.
- Reading needs `signals.sia_read`, changing needs `signals.sia_write`; some changes need a finer
  permission too (status, category, notes, creating, splitting), as upstream.
- A user sees only signals in categories one of their departments is responsible for or may view
  (CategoryDepartment.is_responsible / can_view), and signals routed to one of their departments,
  unless they hold `signals.sia_can_view_all_categories`.
- Reporter contact details are masked unless the user holds `signals.sia_can_view_contact_details`.
"""
from django.db.models import Exists, OuterRef, Q
from rest_framework import permissions

from ..models import Department, SignalDepartments

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


def _scope(user):
    """(ids of the categories the user may see, ids of the user's departments), in one query, kept on
    the user object for the request. Categories: those one of the departments is responsible for or
    may view (CategoryDepartment.is_responsible / can_view)."""
    cached = getattr(user, '_signals_scope', None)
    if cached is None:
        categories, departments = set(), set()
        for department_id, category_id, responsible, can_view in Department.objects.filter(
                profiles__user=user).values_list('pk', 'categorydepartment__category_id',
                                                 'categorydepartment__is_responsible', 'categorydepartment__can_view'):
            departments.add(department_id)
            if category_id is not None and (responsible or can_view):
                categories.add(category_id)
        cached = user._signals_scope = (sorted(categories), sorted(departments))
    return cached


def visible_category_ids(user):
    """The ids of the categories the user may see (None: every category).

    A list rather than a subquery: categories are few, and a plain IN list lets the database plan
    the signal query well (and is computed once per request)."""
    if sees_all_categories(user):
        return None
    return _scope(user)[0]


def filter_for_user(queryset, user):
    """Only the signals the user may see: those in a visible category, and (as upstream Signalen) those
    routed to one of the user's departments, e.g. by the triage to the lane's team."""
    ids = visible_category_ids(user)
    if ids is None:
        return queryset
    condition = Q(current_category_id__in=ids)
    departments = _scope(user)[1]
    if departments:
        condition |= Exists(SignalDepartments.objects.filter(
            _signal=OuterRef('pk'), relation_type=SignalDepartments.REL_ROUTING, departments__in=departments))
    return queryset.filter(condition)


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
