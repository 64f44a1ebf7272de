from . import nav


def werkplek(request):
    user = getattr(request, 'user', None)
    if user is None or not user.is_authenticated:
        return {'werkplek_nav': []}
    current = getattr(getattr(request, 'resolver_match', None), 'view_name', '')
    items = nav.items_for(user)
    for item in items:
        item['active'] = current.split(':')[0] == item['url_name'].split(':')[0]
    return {'werkplek_nav': items}
