"""Signalen's pagination: `{_links{self,next,previous}, count, results}` with page/page_size."""
from collections import OrderedDict

from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response


class LinkHeaderPagination(PageNumberPagination):
    page_size = 100
    page_size_query_param = 'page_size'
    max_page_size = 4000

    def get_paginated_response(self, data):
        return Response(OrderedDict([
            ('_links', {'self': {'href': self.request.build_absolute_uri()},
                        'next': {'href': self.get_next_link()},
                        'previous': {'href': self.get_previous_link()}}),
            ('count', self.page.paginator.count),
            ('results', data),
        ]), headers={'X-Total-Count': str(self.page.paginator.count)})

    def get_paginated_response_schema(self, schema):
        return {'type': 'object', 'properties': {'_links': {'type': 'object'}, 'count': {'type': 'integer'},
                                                 'results': schema}}
