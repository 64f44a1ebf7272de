from rest_framework import permissions

from .authentication import PartnerPrincipal


class ModelPermissions(permissions.DjangoModelPermissions):
    """Django model permissions, including view_* for reading."""
    perms_map = {**permissions.DjangoModelPermissions.perms_map,
                 'GET': ['%(app_label)s.view_%(model_name)s'],
                 'HEAD': ['%(app_label)s.view_%(model_name)s'],
                 'OPTIONS': ['%(app_label)s.view_%(model_name)s']}

    def has_permission(self, request, view):
        if isinstance(request.user, PartnerPrincipal):
            return False
        return super().has_permission(request, view)


def require(*perms):
    """A permission class requiring these Django permissions of a staff user."""
    class Required(permissions.BasePermission):
        def has_permission(self, request, view):
            user = request.user
            return bool(user and user.is_authenticated and not isinstance(user, PartnerPrincipal)
                        and user.has_perms(perms))
    Required.__name__ = 'Require_' + '_'.join(p.split('.')[-1] for p in perms)
    return Required


class IsPartner(permissions.BasePermission):
    def has_permission(self, request, view):
        return isinstance(request.user, PartnerPrincipal)
