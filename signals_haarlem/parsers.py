"""Request parsers that answer 400 to any body the application cannot take, instead of a 500 further on:
- a deeply nested JSON body (`[[[[...`: REST framework's own parser lets the RecursionError through);
- a NUL character (\\x00) in any text of a JSON, form or multipart body (not in uploaded files):
  PostgreSQL cannot store or compare text with NUL in it, and fields that look data up (a department
  by code, a category by slug) would fail in the query. Answered as field errors, per top-level field."""
from rest_framework.exceptions import ParseError, ValidationError
from rest_framework.parsers import DataAndFiles, FormParser, JSONParser, MultiPartParser

NUL_MESSAGE = 'Mag geen NUL-teken (\\x00) bevatten.'


def _has_nul(value):
    if isinstance(value, str):
        return '\x00' in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return any(_has_nul(item) for item in value)
    return False


def refuse_nul(items):
    """ValidationError naming each (top-level field, values) pair of `items` with a NUL character in it."""
    errors = {}
    for name, value in items:
        if _has_nul(name) or _has_nul(value):
            errors[str(name).replace('\x00', '\\x00')] = [NUL_MESSAGE]
    if errors:
        raise ValidationError(errors)


class SafeJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError('JSON parse error - de gegevens zijn te diep genest.') from None
        if isinstance(data, dict):
            refuse_nul(data.items())
        elif isinstance(data, list):
            refuse_nul((f'[{i}]', item) for i, item in enumerate(data))
        elif _has_nul(data):
            raise ValidationError({'non_field_errors': [NUL_MESSAGE]})
        return data


class SafeFormParser(FormParser):
    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        refuse_nul(data.lists())
        return data


class SafeMultiPartParser(MultiPartParser):
    def parse(self, stream, media_type=None, parser_context=None):
        parsed = super().parse(stream, media_type, parser_context)
        refuse_nul(parsed.data.lists())
        return DataAndFiles(parsed.data, parsed.files)


#: What a Haarlem API view parses: JSON, forms and multipart (uploads).
PARSERS = [SafeJSONParser, SafeFormParser, SafeMultiPartParser]
