"""URLs of the settings side of the Signalen v1 API, included under /signals/.

The frontend calls collections with a trailing slash and objects without one (as upstream's routers
with an optional slash); both spellings answer, the schema lists the one the frontend uses.
"""
from django.urls import path
from drf_spectacular.utils import extend_schema

from . import settings_views as v

_unlisted = {}


def _without_schema(view_class):
    """The same view, left out of the OpenAPI schema (for the alternative spelling of a URL)."""
    if view_class not in _unlisted:
        _unlisted[view_class] = extend_schema(exclude=True)(type(view_class.__name__, (view_class,), {}))
    return _unlisted[view_class]


def both(route, view_class, name):
    """`route` as listed, plus the same route with (or without) the trailing slash."""
    other = route[:-1] if route.endswith('/') else route + '/'
    return [path(route, view_class.as_view(), name=name),
            path(other, _without_schema(view_class).as_view(), name=f'{name}-alt')]


P = 'v1/private/'
TEMPLATES = 'status-message-templates'

urlpatterns = [
    *both(P + 'me/', v.MeView, 'private-me'),
    *both(P + 'me/filters/', v.StoredFilterListView, 'private-me-filters'),
    *both(P + 'me/filters/<int:pk>', v.StoredFilterDetailView, 'private-me-filter-detail'),
    *both(P + 'categories/', v.CategoryListView, 'private-categories'),
    *both(P + 'categories/<int:pk>', v.CategoryDetailView, 'private-category-detail'),
    *both(P + 'categories/<int:pk>/history', v.CategoryHistoryView, 'private-category-history'),
    *both(P + 'categories/<int:pk>/icon', v.CategoryIconView, 'private-category-icon'),
    *both(P + 'terms/categories/<slug:slug>/sub_categories/<slug:sub_slug>/' + TEMPLATES,
          v.StatusMessageTemplatesView, 'private-sub-category-status-message-templates'),
    *both(P + 'terms/categories/<slug:slug>/' + TEMPLATES, v.StatusMessageTemplatesView,
          'private-category-status-message-templates'),
    *both(P + 'departments/', v.DepartmentListView, 'private-departments'),
    *both(P + 'departments/<int:pk>', v.DepartmentDetailView, 'private-department-detail'),
    *both(P + 'sources/', v.SourceListView, 'private-sources'),
    *both(P + 'sources/<int:pk>', v.SourceDetailView, 'private-source-detail'),
    *both(P + 'users/', v.UserListView, 'private-users'),
    *both(P + 'users/<int:pk>', v.UserDetailView, 'private-user-detail'),
    *both(P + 'users/<int:pk>/history', v.UserHistoryView, 'private-user-history'),
    *both(P + 'autocomplete/usernames/', v.UsernameAutocompleteView, 'private-autocomplete-usernames'),
    *both(P + 'roles/', v.RoleListView, 'private-roles'),
    *both(P + 'roles/<int:pk>', v.RoleDetailView, 'private-role-detail'),
    *both(P + 'permissions/', v.PermissionListView, 'private-permissions'),
    *both(P + 'permissions/<int:pk>', v.PermissionDetailView, 'private-permission-detail'),
    *both(P + 'areas/', v.AreaListView, 'private-areas'),
    *both('v1/public/questions/', v.PublicQuestionListView, 'public-questions'),
    *both('category/prediction', v.CategoryPredictionView, 'category-prediction'),
]
