"""Importing areas from a GeoJSON file (manage.py import_areas): wijken for the area rules and the
queues' area filter, all or nothing, with a clear message per bad feature."""
import json

import pytest
from django.core.management import CommandError, call_command

from signals_haarlem import signalen
from signals_haarlem.triage import services
from signals_haarlem.triage.models import Area, SignalLane
from tests.factories import GROTE_MARKT, STATION, make_signal

pytestmark = pytest.mark.django_db


def square(lon, lat, size=0.004):
    return {'type': 'Polygon', 'coordinates': [[[lon, lat], [lon + size, lat], [lon + size, lat + size],
                                                [lon, lat + size], [lon, lat]]]}


def feature(code, name, geometry, **properties):
    return {'type': 'Feature', 'properties': {'wijkcode': code, 'wijknaam': name, **properties},
            'geometry': geometry}


def collection(*features, **extra):
    return {'type': 'FeatureCollection', 'features': list(features), **extra}


def write(tmp_path, data):
    path = tmp_path / 'wijken.geojson'
    path.write_text(json.dumps(data), encoding='utf-8')
    return str(path)


def run(path, *args):
    from io import StringIO
    out = StringIO()
    call_command('import_areas', path, '--code', 'wijkcode', '--name', 'wijknaam', *args, stdout=out)
    return out.getvalue()


CENTRUM = feature('WK039200', 'Binnenstad', square(4.632, 52.378, 0.007), gemeentenaam='Haarlem')
STATION_AREA = feature('WK039201', 'Stationsbuurt', {'type': 'MultiPolygon', 'coordinates': [
    square(4.634, 52.386)['coordinates'], square(4.70, 52.40)['coordinates']]}, gemeentenaam='Haarlem')
ELSEWHERE = feature('WK036300', 'Amsterdam-Centrum', square(4.88, 52.36), gemeentenaam='Amsterdam')


def test_import_creates_and_then_updates_areas(tmp_path):
    path = write(tmp_path, collection(CENTRUM, STATION_AREA, ELSEWHERE))
    output = run(path, '--where', 'gemeentenaam=Haarlem')
    assert 'Nieuw: 2; bijgewerkt: 0; ongewijzigd: 0; overgeslagen (filter): 1.' in output
    assert dict(Area.objects.values_list('code', 'name')) == {'wk039200': 'Binnenstad', 'wk039201': 'Stationsbuurt'}

    renamed = feature('WK039200', 'Binnenstad (Centrum)', square(4.632, 52.378, 0.007), gemeentenaam='Haarlem')
    output = run(write(tmp_path, collection(renamed, STATION_AREA)), '--where', 'gemeentenaam=Haarlem')
    assert 'Nieuw: 0; bijgewerkt: 1; ongewijzigd: 1;' in output
    assert Area.objects.get(code='wk039200').name == 'Binnenstad (Centrum)' and Area.objects.count() == 2
    # ...and Signalen has them as its own areas of type wijk (inside upstream with their polygons)
    assert {'wk039200': 'Binnenstad (Centrum)', 'wk039201': 'Stationsbuurt'}.items() <= dict(
        signalen.areas_of_type('wijk')).items()


def test_areas_of_another_type_for_signalen(tmp_path):
    run(write(tmp_path, collection(CENTRUM)), '--type', 'buurt')
    assert ('wk039200', 'Binnenstad') in signalen.areas_of_type('buurt')
    assert ('wk039200', 'Binnenstad') not in signalen.areas_of_type('wijk')


def test_dry_run_writes_nothing(tmp_path):
    output = run(write(tmp_path, collection(CENTRUM)), '--dry-run')
    assert output.startswith('Proef, niets opgeslagen. Nieuw: 1;') and not Area.objects.exists()
    assert 'wk039200' not in dict(signalen.areas_of_type('wijk'))


def test_one_bad_feature_refuses_the_whole_file(tmp_path):
    open_ring = feature('WK039202', 'Open ring', {'type': 'Polygon', 'coordinates': [
        [[4.63, 52.37], [4.64, 52.37], [4.64, 52.38], [4.63, 52.38]]]})
    no_name = feature('WK039203', '', square(4.62, 52.37))
    with pytest.raises(CommandError) as exc:
        run(write(tmp_path, collection(CENTRUM, open_ring, no_name, CENTRUM)))
    message = str(exc.value)
    assert message.startswith('Niets ingelezen:')
    assert 'features[1]: Een ring van een polygoon moet gesloten zijn' in message
    assert 'features[2]: Eigenschap "wijknaam" ontbreekt of is leeg.' in message
    assert 'features[3]: Code "wk039200" komt al voor in features[0].' in message
    assert not Area.objects.exists()


def test_rijksdriehoek_coordinates_are_refused_with_a_hint(tmp_path):
    rd = feature('WK039200', 'Binnenstad', {'type': 'Polygon', 'coordinates': [
        [[103000, 488000], [104000, 488000], [104000, 489000], [103000, 488000]]]})
    data = collection(rd, crs={'type': 'name', 'properties': {'name': 'urn:ogc:def:crs:EPSG::28992'}})
    with pytest.raises(CommandError) as exc:
        run(write(tmp_path, data))
    assert 'EPSG::28992' in str(exc.value) and 'EPSG:4326' in str(exc.value)
    assert 'Coördinaten buiten bereik' in str(exc.value)  # and the feature itself says why
    assert not Area.objects.exists()


def test_not_geojson_is_a_clear_error(tmp_path):
    path = tmp_path / 'kapot.geojson'
    path.write_text('{"type": "Feature', encoding='utf-8')
    with pytest.raises(CommandError, match='niet lezen als JSON'):
        run(str(path))
    with pytest.raises(CommandError, match='FeatureCollection'):
        run(write(tmp_path, [1, 2, 3]))
    with pytest.raises(CommandError, match='Geen enkel gebied gevonden dat aan het filter voldoet'):
        run(write(tmp_path, collection(ELSEWHERE)), '--where', 'gemeentenaam=Haarlem')
    with pytest.raises(CommandError, match='EIGENSCHAP=WAARDE'):
        run(write(tmp_path, collection(CENTRUM)), '--where', 'Haarlem')


def test_imported_areas_reach_the_open_signals(tmp_path, lanes, container_vol, django_capture_on_commit_callbacks):
    """The queues' area filter works right after the import: every open signal gets its area."""
    centre = make_signal(container_vol, point=GROTE_MARKT)
    station = make_signal(container_vol, point=STATION)
    services.triage_signal(centre)
    services.triage_signal(station)
    with django_capture_on_commit_callbacks(execute=True):
        run(write(tmp_path, collection(CENTRUM, STATION_AREA)))
    areas = dict(SignalLane.objects.values_list('signal_id', 'area__code'))
    assert areas == {centre.pk: 'wk039200', station.pk: 'wk039201'}
