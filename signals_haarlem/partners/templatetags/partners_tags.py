from datetime import datetime

from django import template
from django.utils import formats

register = template.Library()


@register.filter
def percent(value):
    """0.873 -> '87%'; None -> '—'."""
    if value is None or value == '':
        return '—'
    return f'{round(float(value) * 100)}%'


@register.filter
def percent_points(value):
    if value is None or value == '':
        return '—'
    points = round(float(value) * 100)
    return f'{points:+d} procentpunt'


@register.filter
def signed(value):
    if value is None or value == '':
        return '—'
    if isinstance(value, float) and not value.is_integer():
        return f'{value:+.1f}'.replace('.', ',')
    return f'{int(value):+d}'


@register.filter
def iso_date(value):
    try:
        return formats.date_format(datetime.fromisoformat(value), 'j F Y H:i')
    except (TypeError, ValueError):
        return value or ''


@register.filter
def get_item(mapping, key):
    try:
        return mapping.get(key, '')
    except AttributeError:
        return ''
