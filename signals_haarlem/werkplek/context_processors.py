from . import nav


def werkplek(request):
    user = getattr(request, 'user', None)
    if user is None or not user.is_authenticated:
        return {'werkplek_nav': []}
    items = nav.items_for(user)
    # The current page is the item whose URL is the longest prefix of the path (one item at most).
    matching = [item for item in items if request.path.startswith(item['url'])]
    current = max(matching, key=lambda item: len(item['url']), default=None)
    for item in items:
        item['active'] = item is current
    return {'werkplek_nav': items}
