"""signals_haarlem.charts: safe, accessible SVG with the numbers in words, Dutch formatting."""
import re
import xml.etree.ElementTree as ET

import pytest

from signals_haarlem import charts

SVG = '{http://www.w3.org/2000/svg}'


def parse(markup):
    return ET.fromstring(str(markup))


@pytest.mark.parametrize('value, decimals, text', [
    (0, 0, '0'), (999, 0, '999'), (1234, 0, '1.234'), (1234567, 0, '1.234.567'), (12.345, 1, '12,3'),
    (-1234.5, 1, '-1.234,5'), (None, 0, '–'), (float('nan'), 0, '–'), ('x', 0, '–'), (-0.04, 1, '0,0'),
])
def test_format_number(value, decimals, text):
    assert charts.format_number(value, decimals) == text


def test_format_percent():
    assert charts.format_percent(0.875) == '88%'
    assert charts.format_percent(0.875, 1) == '87,5%'
    assert charts.format_percent(None) == '–'
    assert charts.format_percent(1) == '100%'


def test_nice_scale():
    assert charts.nice_scale(0) == (1.0, 1.0)
    assert charts.nice_scale(7) == (8.0, 2.0)
    assert charts.nice_scale(1234) == (1500.0, 500.0)
    assert charts.nice_scale(0.93, percent=True) == (1.0, 0.2)
    upper, step = charts.nice_scale(88)
    assert upper >= 88 and step in (20, 25)


@pytest.mark.parametrize('make', [
    lambda: charts.bar_chart([('Eenvoudig', 1200), ('Complex <b>', 340)], 'Open <script>'),
    lambda: charts.column_chart(['K1', 'K2'], [('Ontvangen', [12, 9]), ('Afgehandeld', [10, None])], 'Open <script>'),
    lambda: charts.stacked_column_chart(['wk 1', 'wk 2'], [('Eenvoudig', [80, 91]), ('Complex <b>', [20, 25])],
                                        'Open <script>'),
    lambda: charts.stacked_bar_chart(['Eenvoudig', 'Complex <b>'], [('jong', [50, 9]), ('oud', [4, 11])],
                                     'Open <script>'),
    lambda: charts.line_chart(['jan', 'feb', 'mrt'], [('Op tijd', [0.91, None, 0.87])], 'Open <script>',
                              percent=True, target=0.9),
])
def test_every_chart_is_labelled_valid_svg_with_escaped_text(make):
    markup = make()
    assert '<script>' not in markup and '<b>' not in markup
    svg = parse(markup)  # well-formed XML
    assert svg.tag == f'{SVG}svg' and svg.get('role') == 'img'
    title, desc = svg.find(f'{SVG}title'), svg.find(f'{SVG}desc')
    assert title.text == 'Open <script>'
    assert svg.get('aria-labelledby') == f'{title.get("id")} {desc.get("id")}'
    assert desc.text  # the numbers in words
    # Every mark has a tooltip.
    marks = [el for el in svg.iter() if el.tag in (f'{SVG}rect', f'{SVG}circle') and el.find(f'{SVG}title') is not None]
    assert marks


def test_ids_are_unique_per_chart():
    a, b = charts.bar_chart([('a', 1)], 'Een'), charts.bar_chart([('a', 1)], 'Een')
    assert parse(a).find(f'{SVG}title').get('id') != parse(b).find(f'{SVG}title').get('id')


def test_bar_lengths_follow_the_values_and_numbers_are_dutch():
    svg = parse(charts.bar_chart([('Veel', 2000), ('Half', 1000), ('Geen', 0)], 'Aantallen'))
    bars = [r for r in svg.iter(f'{SVG}rect')]
    assert float(bars[0].get('width')) == pytest.approx(2 * float(bars[1].get('width')))
    texts = [t.text for t in svg.iter(f'{SVG}text')]
    assert '2.000' in texts and '1.000' in texts and '0' in texts
    assert 'Veel: 2.000; Half: 1.000; Geen: 0' == svg.find(f'{SVG}desc').text


def test_percentages_with_a_norm_line():
    svg = parse(charts.bar_chart([('SPL', 0.8), ('SRO', None)], 'Op tijd', percent=True, target=0.9,
                                 target_label='Streefwaarde'))
    texts = [t.text for t in svg.iter(f'{SVG}text')]
    assert '80%' in texts and '–' in texts and 'Streefwaarde 90%' in texts
    assert svg.find(f'{SVG}line').get('stroke-dasharray')
    assert 'SRO: –' in svg.find(f'{SVG}desc').text


def test_stacked_columns_stack_and_tooltips_give_totals():
    svg = parse(charts.stacked_column_chart(['wk 1'], [('A', [3]), ('B', [1])], 'Per week'))
    rects = [r for r in svg.iter(f'{SVG}rect') if r.find(f'{SVG}title') is not None]
    a, b = rects
    assert float(a.get('height')) == pytest.approx(3 * float(b.get('height')), rel=0.01)
    assert float(b.get('y')) + float(b.get('height')) == pytest.approx(float(a.get('y')), abs=0.2)  # on top
    assert a.find(f'{SVG}title').text == 'wk 1 · A: 3 (totaal 4)'


def test_line_chart_leaves_gaps_for_missing_values():
    svg = parse(charts.line_chart(['a', 'b', 'c', 'd'], [('S', [1, 2, None, 3])], 'Lijn'))
    assert len(list(svg.iter(f'{SVG}polyline'))) == 2
    assert len(list(svg.iter(f'{SVG}circle'))) == 3


def test_no_data_says_so():
    assert 'geen gegevens' in charts.bar_chart([], 'Leeg')
    assert 'geen gegevens' in charts.line_chart([], [], 'Leeg')
    assert 'geen gegevens' in charts.stacked_column_chart(['a'], [], 'Leeg')


def test_many_labels_are_thinned_out():
    labels = [f'wk {i}' for i in range(1, 54)]
    svg = charts.stacked_column_chart(labels, [('A', list(range(53)))], 'Per week', width=720)
    shown = [label for label in labels if re.search(f'>{label}</text>', str(svg))]
    assert 5 < len(shown) < 53


def test_compatible_with_the_complaints_reports_calls():
    """The signatures the complaints reports use (bar_chart(items, title), column_chart(labels, series, title))."""
    assert '<svg' in charts.bar_chart([('Gegrond', 3)], 'Uitkomst 2025')
    assert '<svg' in charts.column_chart(['K1', 'K2', 'K3', 'K4'], [('Ontvangen klachten', [1, 2, 3, 4])],
                                         'Klachten per kwartaal 2025')


def test_charts_render_in_a_pdf():
    """weasyprint (the project's PDF renderer) draws the inline SVG."""
    weasyprint = pytest.importorskip('weasyprint')
    body = ''.join(str(chart) for chart in (
        charts.bar_chart([('Eenvoudig', 1200), ('Complex', 340)], 'Open', target=1000),
        charts.column_chart(['K1', 'K2'], [('Op tijd', [0.8, 0.95])], 'Op tijd', percent=True, target=0.9),
        charts.stacked_column_chart(['wk 1', 'wk 2'], [('A', [3, 4]), ('B', [1, 2])], 'Per week'),
        charts.stacked_bar_chart(['A', 'B'], [('jong', [5, 1]), ('oud', [1, 3])], 'Leeftijd'),
        charts.line_chart(['jan', 'feb'], [('S', [0.1, 0.2])], 'Lijn', percent=True)))
    pdf = weasyprint.HTML(string=f'<html lang="nl"><body>{body}</body></html>').write_pdf()
    assert pdf.startswith(b'%PDF') and len(pdf) > 2000
