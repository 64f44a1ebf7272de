"""Small geometry helpers for triage: GeoJSON polygon checks, point-in-polygon and distances.

Coordinates are GeoJSON order, (lon, lat) in WGS84. Haarlem is small enough that a polygon's edges
can be treated as straight lines in lon/lat; distances use the haversine formula.
"""
from __future__ import annotations

import math

EARTH_RADIUS_M = 6_371_008.8
METRES_PER_DEGREE_LAT = 111_320.0


def haversine_m(lon1, lat1, lon2, lat2):
    """Great-circle distance in metres between two (lon, lat) points."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def bbox_around(lon, lat, metres):
    """(min_lon, min_lat, max_lon, max_lat) of a square that holds the circle of `metres` around a point."""
    dlat = metres / METRES_PER_DEGREE_LAT
    dlon = metres / (METRES_PER_DEGREE_LAT * max(math.cos(math.radians(lat)), 1e-6))
    return lon - dlon, lat - dlat, lon + dlon, lat + dlat


class GeometryError(ValueError):
    """The GeoJSON is not a usable Polygon or MultiPolygon; the message is Dutch, for users."""


def _ring(ring):
    if not isinstance(ring, (list, tuple)) or len(ring) < 4:
        raise GeometryError('Een ring van een polygoon heeft minstens 4 punten nodig (eerste = laatste).')
    points = []
    for point in ring:
        if not isinstance(point, (list, tuple)) or len(point) < 2:
            raise GeometryError('Elk punt is een lijst [lengtegraad, breedtegraad].')
        try:
            lon, lat = float(point[0]), float(point[1])
        except (TypeError, ValueError):
            raise GeometryError('Coördinaten moeten getallen zijn.') from None
        if not (-180 <= lon <= 180 and -90 <= lat <= 90) or math.isnan(lon) or math.isnan(lat):
            raise GeometryError('Coördinaten buiten bereik (lengtegraad -180..180, breedtegraad -90..90).')
        points.append((lon, lat))
    if points[0] != points[-1]:
        raise GeometryError('Een ring van een polygoon moet gesloten zijn (eerste punt = laatste punt).')
    return tuple(points)


def parse_polygons(geometry):
    """The polygons of a GeoJSON Polygon or MultiPolygon (or a Feature holding one), each as a tuple
    of rings (outer ring first, then holes), each ring a tuple of (lon, lat). Raises GeometryError."""
    if isinstance(geometry, dict) and geometry.get('type') == 'Feature':
        geometry = geometry.get('geometry')
    if not isinstance(geometry, dict):
        raise GeometryError('Geef een GeoJSON-object van het type Polygon of MultiPolygon.')
    kind, coordinates = geometry.get('type'), geometry.get('coordinates')
    if kind == 'Polygon':
        polygons = [coordinates]
    elif kind == 'MultiPolygon':
        polygons = coordinates
    else:
        raise GeometryError('Alleen GeoJSON Polygon of MultiPolygon is toegestaan.')
    if not isinstance(polygons, (list, tuple)) or not polygons:
        raise GeometryError('De polygoon heeft geen coördinaten.')
    result = []
    for polygon in polygons:
        if not isinstance(polygon, (list, tuple)) or not polygon:
            raise GeometryError('De polygoon heeft geen coördinaten.')
        result.append(tuple(_ring(ring) for ring in polygon))
    return tuple(result)


class Shape:
    """A parsed (multi)polygon with its bounding box, for fast repeated point-in-polygon checks."""

    __slots__ = ('polygons', 'bbox')

    def __init__(self, geometry):
        self.polygons = parse_polygons(geometry)
        lons = [p[0] for polygon in self.polygons for p in polygon[0]]
        lats = [p[1] for polygon in self.polygons for p in polygon[0]]
        self.bbox = (min(lons), min(lats), max(lons), max(lats))

    def contains(self, lon, lat):
        min_lon, min_lat, max_lon, max_lat = self.bbox
        if not (min_lon <= lon <= max_lon and min_lat <= lat <= max_lat):
            return False
        for outer, *holes in self.polygons:
            if _in_ring(outer, lon, lat) and not any(_in_ring(hole, lon, lat) for hole in holes):
                return True
        return False


def _in_ring(ring, x, y):
    """Ray casting (even-odd rule); a point on the boundary may fall either way."""
    inside = False
    x1, y1 = ring[-1]
    for x2, y2 in ring:
        if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
            inside = not inside
        x1, y1 = x2, y2
    return inside
