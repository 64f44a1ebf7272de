"""What goes into Elasticsearch: one document per signal and one per complaint (elasticsearch-dsl 7).

Signals: id, text, category names (sub and main), state, address, area, created_at, type and the
triage lane. Never the reporter's contact details. Complaints: id, reference, summary (subject),
contents (the conduct complained about), state, department concerned, receipt date and handler; the
query layer (elastic.py) lets only complaint roles search them, a handler only their own.

Texts are analysed as Dutch (lower case, accents folded, Dutch stop words and stemming), so "lantaarnpalen"
finds "lantaarnpaal"; addresses and category names only lower-cased and folded (no stemming of street
names); ids and references are keywords compared case-insensitively.
"""
from django.conf import settings
from elasticsearch_dsl import Date, Document, Integer, Keyword, Text, analyzer, normalizer, token_filter

from signals_haarlem import signalen

dutch_stop = token_filter('haarlem_dutch_stop', type='stop', stopwords='_dutch_')
dutch_stemmer = token_filter('haarlem_dutch_stemmer', type='stemmer', language='dutch')
dutch = analyzer('haarlem_dutch', tokenizer='standard', filter=['lowercase', 'asciifolding', dutch_stop, dutch_stemmer])
plain = analyzer('haarlem_plain', tokenizer='standard', filter=['lowercase', 'asciifolding'])
lower = normalizer('haarlem_lower', filter=['lowercase'])

INDEX_SETTINGS = {'number_of_shards': 1}


def index_name(kind):
    prefix = getattr(settings, 'ELASTICSEARCH_INDEX_PREFIX', '') or 'haarlem'
    return f'{prefix}-{kind}'


class SignalDocument(Document):
    id = Integer()
    id_display = Keyword(normalizer=lower)
    text = Text(analyzer=dutch)
    category = Text(analyzer=plain, fields={'raw': Keyword()})
    category_id = Integer()
    state = Keyword()
    address_text = Text(analyzer=plain)
    area = Keyword(normalizer=lower)
    created_at = Date()
    type = Keyword()
    lane = Keyword()

    class Index:
        name = index_name('signals')
        settings = INDEX_SETTINGS

    @classmethod
    def from_signal(cls, signal, lane=None, areas=()):
        """The document of a signal loaded with its current records (signalen.with_current_records);
        `lane` and `areas` come from the triage app when it knows the signal."""
        category = signalen.category_of(signal)
        main = signalen.main_category_of(signal)
        names = [c.name for c in (category, main) if c is not None]
        area = [*areas, *signalen.area_labels(signal)]
        return cls(
            meta={'id': signal.pk}, id=signal.pk, id_display=signalen.id_display(signal),
            text=[t for t in (signal.text, getattr(signal, 'text_extra', '')) if t],
            category=list(dict.fromkeys(names)), category_id=category.pk if category is not None else None,
            state=signalen.current_state(signal), address_text=signalen.address_text(signal),
            area=_unique_ignoring_case(area), created_at=signal.created_at,
            type=signalen.type_code(signal), lane=lane)


def _unique_ignoring_case(values):
    seen = {}
    for value in values:
        if value and value.lower() not in seen:
            seen[value.lower()] = value
    return list(seen.values())


class ComplaintDocument(Document):
    id = Integer()
    reference = Keyword(normalizer=lower)
    summary = Text(analyzer=dutch)
    text = Text(analyzer=dutch)
    state = Keyword()
    department = Keyword()
    received_on = Date()
    handler_id = Integer()
    signal_id = Integer()

    class Index:
        name = index_name('complaints')
        settings = INDEX_SETTINGS

    @classmethod
    def from_complaint(cls, complaint):
        """The document of a complaint (with department_concerned joined in, to save a query)."""
        department = complaint.department_concerned if complaint.department_concerned_id else None
        return cls(
            meta={'id': complaint.pk}, id=complaint.pk, reference=complaint.reference, summary=complaint.subject,
            text=complaint.conduct_description, state=complaint.state,
            department=department.code if department is not None else None, received_on=complaint.received_on,
            handler_id=complaint.handler_id, signal_id=complaint.signal_id)
