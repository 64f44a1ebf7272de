"""API error handling: Django ValidationErrors from the actions become 400s with field errors, and a
concurrent change to the same signal becomes a 409 the client may retry."""
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from ..managers import ConcurrentUpdate


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, 'error_dict') else {'non_field_errors': exc.messages}
        exc = exceptions.ValidationError(detail)
    elif isinstance(exc, ConcurrentUpdate):
        return Response({'detail': 'De melding wordt op dit moment door iemand anders gewijzigd. Probeer het opnieuw.'},
                        status=status.HTTP_409_CONFLICT, headers={'Retry-After': '1'})
    return drf_exception_handler(exc, context)
