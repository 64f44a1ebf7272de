"""A JSON parser that answers 400 to any body it cannot read: REST framework's own lets a deeply nested
body (`[[[[...`, a RecursionError in the JSON decoder) through as a 500, even anonymously."""
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


class SafeJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError('JSON parse error - de gegevens zijn te diep genest.') from None
