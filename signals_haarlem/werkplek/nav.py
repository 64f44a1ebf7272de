"""The werkplek's navigation: each app registers its pages in its AppConfig.ready().

    from signals_haarlem.werkplek import nav
    nav.register('Triage', 'triage_pages:queues', permission='haarlem_triage.view_decision', order=10)

A link shows only to users who hold its permission (superusers see all).
"""
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class Item:
    label: str
    url_name: str
    permission: str | None = None
    order: int = 50


_items: dict[str, Item] = {}


def register(label, url_name, permission=None, order=50):
    _items[url_name] = Item(label, url_name, permission, order)


def items_for(user):
    result = []
    for item in sorted(_items.values(), key=lambda i: (i.order, i.label)):
        if item.permission and not user.has_perm(item.permission):
            continue
        try:
            result.append({'label': item.label, 'url': reverse(item.url_name), 'url_name': item.url_name})
        except NoReverseMatch:
            continue
    return result
