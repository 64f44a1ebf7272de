"""OpenAPI descriptions of the signal endpoints (drf-spectacular): parameters and response types.

The views render plain dicts (see signals_serializers), so responses are described as objects; the
request bodies are the DRF input serializers.
"""
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse

from signals_haarlem.api import OBJECT_OR_OBJECTS

from .. import workflow
from .signals_filters import BOOLEANS, CONTACT_DETAILS, FEEDBACK, KINDS, ORDERING, PRIORITIES, PUNCTUALITY, TYPES

PATH, QUERY = OpenApiParameter.PATH, OpenApiParameter.QUERY

PK = OpenApiParameter('id', OpenApiTypes.INT, PATH, description='Id van de melding')
ATTACHMENT_PK = OpenApiParameter('attachment_pk', OpenApiTypes.INT, PATH, description='Id van de bijlage')
UUID = OpenApiParameter('uuid', OpenApiTypes.UUID, PATH, description='signal_id (uuid) van de melding')
SLUG_SCHEMA = {'type': 'string', 'pattern': '^[-a-zA-Z0-9_]+$'}  # (what the URL accepts: letters, digits, - and _)
SLUG = OpenApiParameter('slug', SLUG_SCHEMA, PATH, description='Slug van de hoofdcategorie')
SUB_SLUG = OpenApiParameter('sub_slug', SLUG_SCHEMA, PATH, description='Slug van de subcategorie')

PAGE = [OpenApiParameter('page', OpenApiTypes.INT, QUERY), OpenApiParameter('page_size', OpenApiTypes.INT, QUERY)]
GEO_PAGE = [OpenApiParameter('geopage', OpenApiTypes.INT, QUERY),
            OpenApiParameter('page_size', OpenApiTypes.INT, QUERY)]
ORDERING_PARAM = OpenApiParameter(
    'ordering', OpenApiTypes.STR, QUERY,
    description='Sorteren op ' + ', '.join(sorted(ORDERING)) + ' (met - ervoor: aflopend); standaard -created_at')


def _many(name, enum=None, description=None):
    return OpenApiParameter(name, OpenApiTypes.STR, QUERY, many=True, explode=True, enum=enum, description=description)


def _one(name, type_=OpenApiTypes.STR, description=None):
    return OpenApiParameter(name, type_, QUERY, description=description)


FILTERS = [
    _many('id'), _many('status', [code for code, _ in workflow.STATUS_CHOICES]), _many('stadsdeel'),
    _many('priority', list(PRIORITIES)), _many('type', list(TYPES)), _many('contact_details', list(CONTACT_DETAILS)),
    _many('kind', list(KINDS)), _many('source'), _many('maincategory_slug'), _many('category_slug'),
    _many('category_id'), _many('directing_department', description="afdelingscode of 'null'"),
    _many('routing_department_code'), _many('area_code'), _one('area_type_code'), _many('buurt_code'),
    _many('has_changed_children', list(BOOLEANS)), _one('feedback', description=', '.join(FEEDBACK)),
    _many('punctuality', list(PUNCTUALITY)), _one('note_keyword'), _one('address_text'),
    _one('created_after', OpenApiTypes.DATETIME), _one('created_before', OpenApiTypes.DATETIME),
    _one('updated_after', OpenApiTypes.DATETIME), _one('updated_before', OpenApiTypes.DATETIME),
    _one('incident_date', OpenApiTypes.DATE),
    _one('assigned_user_email', description="e-mailadres, of 'null' voor niet toegewezen"),
    _one('reporter_email'),
]
LIST_PARAMETERS = [*PAGE, ORDERING_PARAM, *FILTERS]
GEOGRAPHY_PARAMETERS = [*GEO_PAGE, ORDERING_PARAM, *FILTERS]
PERIOD = [_one('start', OpenApiTypes.DATETIME), _one('end', OpenApiTypes.DATETIME)]


def obj(description):
    return OpenApiResponse(OpenApiTypes.OBJECT, description=description)


def objects(description):
    return OpenApiResponse({'type': 'array', 'items': {'type': 'object'}}, description=description)


def object_or_objects(description):
    """An object, or an array of them when the request was an array (a batch)."""
    return OpenApiResponse(OBJECT_OR_OBJECTS, description=description)


NOT_FOUND = OpenApiResponse(description='Onbekend, of niet zichtbaar voor deze gebruiker')
BAD = obj('Foutieve invoer: veldfouten, er is niets opgeslagen')
