"""OpenAPI hints (drf-spectacular) that are no-ops where drf-spectacular is not installed."""
try:
    from drf_spectacular.types import OpenApiTypes
    from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
except ImportError:  # pragma: no cover - e.g. an upstream deployment without drf-spectacular
    class _Types:
        OBJECT = DATE = STR = URI = BINARY = INT = None
    OpenApiTypes = _Types()

    def extend_schema(*args, **kwargs):
        return lambda f: f

    def extend_schema_field(*args, **kwargs):
        return lambda f: f

    def OpenApiParameter(*args, **kwargs):  # noqa: N802
        return None

YEAR = OpenApiParameter('year', OpenApiTypes.INT, description='Jaar (standaard: dit jaar)') if OpenApiParameter else None


def export_param(*choices):
    return OpenApiParameter('export', OpenApiTypes.STR, enum=list(choices), description='Exportformaat')
