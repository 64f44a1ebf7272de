"""What every Haarlem API view shares, in both ways of running.

Authentication is Signalen's own: upstream Signalen leaves REST framework's default authentication
empty and names `JWTAuthBackend` on each of its views, so a Haarlem view must name it too (changing
upstream's default would change upstream's public endpoints). The boundary says which classes.
"""
from rest_framework.permissions import IsAuthenticated

from signals_haarlem import signalen
from signals_haarlem.parsers import PARSERS


#: Response schemas of answers that are plain JSON (no serializer describes them).
OBJECT = {'type': 'object'}
ARRAY_OF_OBJECTS = {'type': 'array', 'items': {'type': 'object'}}
OBJECT_OR_OBJECTS = {'oneOf': [OBJECT, ARRAY_OF_OBJECTS]}  # (one, or a list when a file held several)


class SignalenAPI:
    """Mixin for Haarlem API views (put it first among the bases): Signalen's bearer-token
    authentication, only logged-in users unless the view says otherwise, and parsers that answer 400 to
    what cannot be stored (also inside upstream, whose default parsers let a deeply nested body or a NUL
    character through as a 500)."""
    authentication_classes = signalen.api_authentication_classes()
    permission_classes = [IsAuthenticated]
    parser_classes = PARSERS


class BlankChoices:
    """Mixin for ModelSerializers whose read-only fields include optional choices (a model CharField with
    choices and blank=True): they answer "" when unset, so their schema must allow "" (REST framework
    drops allow_blank from read-only fields, and the schema would then list only the choices)."""

    def build_standard_field(self, field_name, model_field):
        field_class, kwargs = super().build_standard_field(field_name, model_field)
        if getattr(model_field, 'choices', None) and getattr(model_field, 'blank', False):
            kwargs['_blank_choice'] = True
        return field_class, kwargs

    def include_extra_kwargs(self, kwargs, extra_kwargs):
        blank = kwargs.pop('_blank_choice', False)
        kwargs = super().include_extra_kwargs(kwargs, extra_kwargs)
        if blank:
            kwargs['allow_blank'] = True
        return kwargs
