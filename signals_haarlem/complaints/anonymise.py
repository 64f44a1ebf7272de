"""Remove personal details from complaint texts before they are published (active publication of
judgements): names of complainants, representatives and employees, addresses, postcodes, e-mail
addresses, phone numbers, IBANs and BSN-like numbers.

Names come from the complaint itself (complainant, representative, person complained about,
handler) and from the staff users; patterns catch the rest (titles such as "mevrouw X" followed by
a name, street names with a house number, ...). The output uses placeholders like [naam].
"""
import re

from django.contrib.auth import get_user_model

EMAIL = re.compile(r'[\w.+-]+@[\w-]+(?:\.[\w-]+)+', re.UNICODE)
IBAN = re.compile(r'\b[A-Z]{2}\d{2}\s?(?:[A-Z0-9]{4}\s?){2,7}[A-Z0-9]{1,4}\b')
URL_LIKE = re.compile(r'\bhttps?://\S+')
PHONE = re.compile(r'(?<![\w])(?:\+31[\s-]?(?:\(0\))?|0031[\s-]?|0)(?:[\s-]?\d){9}(?!\d)')
BSN = re.compile(r'(?<![\w.-])\d{3}[.\s-]?\d{2}[.\s-]?\d{3,4}(?![\w-])|\b\d{8,9}\b')
POSTCODE = re.compile(r'\b[1-9]\d{3}\s?(?!SA|SD|SS)[A-Z]{2}\b')
STREET_SUFFIX = (r'(?:straat|weg|laan|plein|gracht|kade|singel|dreef|pad|hof|park|steeg|dijk|markt|plantsoen|'
                 r'baan|wal|dam|veld|burg|zijde|erf|hage|vaart|brug|poort|buurt)')
STREET = re.compile(r'\b[A-Z][\w\'-]*' + STREET_SUFFIX + r'\s+\d+\s?[a-zA-Z]?(?:[-\s]?\d+)?\b')
TITLE_NAME = re.compile(
    r'\b(?P<title>[Dd]e heer|[Mm]evrouw|[Mm]evr\.|[Mm]w\.|[Dd]hr\.|[Hh]eer|[Mm]r\.|[Dd]r\.|[Ff]amilie|[Ff]am\.)\s+'
    r'(?:[A-Z]\.\s?)*(?:(?:van|de|der|den|ten|ter|te|het|v\.d\.)\s+)*[A-Z][\w\'-]+(?:[- ][A-Z][\w\'-]+)?')

NAME = '[naam]'


def _name_variants(name):
    name = (name or '').strip()
    if len(name) < 3:
        return set()
    variants = {name}
    parts = [p for p in re.split(r'\s+', name) if p]
    if len(parts) > 1:
        # the surname with its prefixes ("de Vries", "van der Berg") and alone when it is long enough
        prefixes = {'van', 'de', 'der', 'den', 'ten', 'ter', 'te', 'het', "'t"}
        i = 1
        while i < len(parts) - 1 and parts[i].lower() not in prefixes:
            i += 1
        surname = ' '.join(parts[i:]) if parts[i].lower() in prefixes else parts[-1]
        variants.add(surname)
        bare = parts[-1]
        if len(bare) >= 4:
            variants.add(bare)
        if len(parts[0]) >= 3:
            variants.add(parts[0])
    return variants


def staff_names():
    User = get_user_model()
    names = set()
    for first, last in User.objects.exclude(last_name='').values_list('first_name', 'last_name'):
        full = f'{first} {last}'.strip()
        names.add(full)
        if len(last) >= 4:
            names.add(last)
    return names


def names_of(complaint):
    names = set()
    for value in (complaint.complainant_name, complaint.complainant_organisation, complaint.representative_name,
                  complaint.employee_name):
        names |= _name_variants(value)
    for user in (complaint.employee, complaint.handler):
        if user is not None:
            names |= _name_variants(user.get_full_name())
            names |= _name_variants(user.last_name)
            if user.email:
                names.add(user.email)
    for value in (complaint.complainant_email, complaint.representative_email, complaint.complainant_phone):
        if value:
            names.add(value)
    return names


class Anonymiser:
    def __init__(self, names=()):
        names = sorted({n for n in names if n and len(n.strip()) >= 3}, key=len, reverse=True)
        self.names = re.compile(r'(?<![\w])(?:' + '|'.join(re.escape(n) for n in names) + r')(?![\w])',
                                re.IGNORECASE) if names else None

    def __call__(self, text):
        if not text:
            return ''
        text = URL_LIKE.sub('[link]', text)
        text = EMAIL.sub('[e-mailadres]', text)
        text = IBAN.sub('[rekeningnummer]', text)
        text = PHONE.sub('[telefoonnummer]', text)
        text = BSN.sub('[nummer]', text)
        text = POSTCODE.sub('[postcode]', text)
        text = STREET.sub('[adres]', text)
        text = TITLE_NAME.sub(lambda m: f'{m.group("title")} {NAME}', text)
        if self.names is not None:
            text = self.names.sub(NAME, text)
        return text


def for_complaint(complaint, extra_names=None):
    """An Anonymiser for one complaint's texts."""
    return Anonymiser(names_of(complaint) | set(extra_names if extra_names is not None else staff_names()))
