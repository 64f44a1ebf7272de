"""The complaint workflow (Awb chapter 9) as an explicit transition table.

`TRANSITIONS[from_state]` lists the states a complaint may move to. On top of the table, `GUARDS`
hold the legal conditions of a move (Awb articles) and `REQUIRED` the data a move must carry; both
are checked by `services.transition()`, the only function that changes a complaint's state.

    received ─┬─> acknowledged (9:6) ─┬─> informal ─┬─> resolved (9:5) ─> closed
              │                       │             └─> in_treatment
              │                       ├─> in_treatment ─┬─> hearing_invited ─┬─> hearing_held ──┐
              │                       │                 ├─> hearing_waived <─┘                   ├─> concluded (9:12) ─> closed
              │                       │                 └─────────── (informal regime only) ─────┘
              ├─> not_handled (9:8) ─> closed
              └─> not_a_complaint (classification; 2:3 forwarding) ─> closed
"""
RECEIVED = 'ontvangen'
ACKNOWLEDGED = 'bevestigd'
INFORMAL = 'informeel'
RESOLVED = 'opgelost'
NOT_HANDLED = 'niet_behandeld'
NOT_A_COMPLAINT = 'geen_klacht'
IN_TREATMENT = 'in_behandeling'
HEARING_INVITED = 'hoorzitting'
HEARING_HELD = 'gehoord'
HEARING_WAIVED = 'horen_afgezien'
CONCLUDED = 'afgehandeld'
CLOSED = 'gesloten'

STATE_CHOICES = (
    (RECEIVED, 'Ontvangen'),
    (ACKNOWLEDGED, 'Ontvangst bevestigd'),
    (INFORMAL, 'Informele oplossing geprobeerd'),
    (RESOLVED, 'Naar tevredenheid opgelost'),
    (NOT_HANDLED, 'Niet in behandeling genomen'),
    (NOT_A_COMPLAINT, 'Geen klacht'),
    (IN_TREATMENT, 'In behandeling'),
    (HEARING_INVITED, 'Uitgenodigd voor hoorzitting'),
    (HEARING_HELD, 'Gehoord'),
    (HEARING_WAIVED, 'Afgezien van horen'),
    (CONCLUDED, 'Afgehandeld'),
    (CLOSED, 'Gesloten'),
)
STATE_LABELS = dict(STATE_CHOICES)

TRANSITIONS = {
    RECEIVED: (ACKNOWLEDGED, INFORMAL, IN_TREATMENT, RESOLVED, NOT_HANDLED, NOT_A_COMPLAINT),
    ACKNOWLEDGED: (INFORMAL, IN_TREATMENT, RESOLVED, NOT_HANDLED, NOT_A_COMPLAINT),
    INFORMAL: (RESOLVED, IN_TREATMENT, NOT_HANDLED),
    IN_TREATMENT: (INFORMAL, RESOLVED, NOT_HANDLED, HEARING_INVITED, HEARING_WAIVED, CONCLUDED),
    HEARING_INVITED: (HEARING_HELD, HEARING_WAIVED, RESOLVED),
    HEARING_HELD: (CONCLUDED, RESOLVED),
    HEARING_WAIVED: (CONCLUDED, RESOLVED),
    RESOLVED: (CLOSED,),
    NOT_HANDLED: (CLOSED,),
    NOT_A_COMPLAINT: (CLOSED,),
    CONCLUDED: (CLOSED,),
    CLOSED: (),
}
STATES = tuple(TRANSITIONS)

#: States in which the complaint is still being handled (its term runs).
RUNNING = frozenset({RECEIVED, ACKNOWLEDGED, INFORMAL, IN_TREATMENT, HEARING_INVITED, HEARING_HELD, HEARING_WAIVED})
RUNNING_ORDER = (RECEIVED, ACKNOWLEDGED, INFORMAL, IN_TREATMENT, HEARING_INVITED, HEARING_HELD, HEARING_WAIVED)
#: States reached by a decision: the term stops and `decided_on` is set.
DECIDED = frozenset({RESOLVED, NOT_HANDLED, NOT_A_COMPLAINT, CONCLUDED})
#: States after which an ombudsman follow-up can be registered.
FINAL = frozenset({RESOLVED, NOT_HANDLED, CONCLUDED, CLOSED})

# -- choices used by the data of transitions ----------------------------------------------------

NOT_HANDLED_GROUNDS = (
    ('a', 'a. Al eerder behandeld volgens Awb 9:4 e.v.'),
    ('b', 'b. Gedraging langer dan een jaar geleden'),
    ('c', 'c. Bezwaar kon of kan worden gemaakt'),
    ('d', 'd. Beroep staat of stond open'),
    ('e', 'e. Ligt (lag) voor bij de burgerlijke rechter'),
    ('f', 'f. Strafrechtelijk onderzoek of vervolging loopt'),
    ('lid2', 'Lid 2. Belang of gewicht kennelijk onvoldoende'),
)
HEARING_WAIVER_GROUNDS = (
    ('a', 'a. De klacht is kennelijk ongegrond'),
    ('b', 'b. Klager heeft verklaard geen gebruik te willen maken van het recht gehoord te worden'),
    ('c', 'c. Klager heeft niet binnen de gestelde termijn verklaard gehoord te willen worden'),
)
JUDGEMENTS = (('gegrond', 'Gegrond'), ('deels_gegrond', 'Deels gegrond'), ('ongegrond', 'Ongegrond'),
              ('geen_oordeel', 'Geen oordeel'))
OUTCOMES = (('opgelost', 'Naar tevredenheid opgelost'), *JUDGEMENTS,
            ('niet_behandeld', 'Niet in behandeling genomen'), ('geen_klacht', 'Geen klacht'))
OUTCOME_LABELS = dict(OUTCOMES)
#: Outcomes that mean the municipality fell short (norms breached).
UPHELD = ('gegrond', 'deels_gegrond')
CONFIRMATION_METHODS = (('telefoon', 'Telefonisch'), ('email', 'Per e-mail'), ('brief', 'Per brief'),
                        ('gesprek', 'In een gesprek'))
WRITTEN_CONSENT_METHODS = (('brief', 'Brief'), ('email', 'E-mail'), ('formulier', 'Ondertekend formulier'))


def label(state):
    return STATE_LABELS.get(state, state or '(nieuw)')


def allowed(from_state):
    return TRANSITIONS.get(from_state, ())


# -- guards: the legal conditions of a move ------------------------------------------------------
# Each guard takes the complaint (before the move) and returns {field: [message]} or {}.

def _needs_acknowledgement(complaint, to_state):
    if complaint.is_formal and complaint.state == RECEIVED and to_state in (INFORMAL, IN_TREATMENT, RESOLVED):
        return {'to': ['Een schriftelijke klacht krijgt eerst een ontvangstbevestiging (Awb 9:6).']}
    return {}


def _acknowledge(complaint, to_state):
    if not complaint.is_formal:
        return {'to': ['Alleen een schriftelijke, niet-anonieme klacht krijgt een ontvangstbevestiging (Awb 9:6); '
                       'handel deze klacht informeel af.']}
    return {}


def _handler_assigned(complaint, to_state):
    if not complaint.handler_id:
        return {'handler': ['Wijs eerst een klachtbehandelaar toe (Awb 9:7).']}
    return {}


def _formal_only(complaint, to_state):
    if not complaint.is_formal:
        return {'to': ['Awb 9:8 geldt alleen voor schriftelijke klachten in de formele procedure; '
                       'sluit een informele klacht af met een oplossing of een oordeel.']}
    return {}


def _hearing_first(complaint, to_state):
    if complaint.is_formal and complaint.state == IN_TREATMENT:
        return {'to': ['Hoor eerst klager en beklaagde, of leg vast waarom het horen achterwege blijft (Awb 9:10).']}
    return {}


def _copy_sent(complaint, to_state):
    if complaint.is_formal and (complaint.employee_id or complaint.employee_name or complaint.about_governing_body) \
            and not complaint.copy_sent_on:
        return {'copy_sent_on': ['Stuur de beklaagde eerst een afschrift van de klacht (Awb 9:9).']}
    return {}


def _cause_before_close(complaint, to_state):
    if complaint.state in (CONCLUDED, RESOLVED) and not complaint.cause_id:
        return {'cause': ['Leg vóór het sluiten de oorzaak vast, zodat de organisatie ervan kan leren.']}
    return {}


GUARDS = {
    ACKNOWLEDGED: (_acknowledge,),
    INFORMAL: (_needs_acknowledgement,),
    IN_TREATMENT: (_needs_acknowledgement, _handler_assigned),
    RESOLVED: (_needs_acknowledgement,),
    NOT_HANDLED: (_formal_only,),
    HEARING_INVITED: (_formal_only,),
    HEARING_WAIVED: (_formal_only,),
    CONCLUDED: (_hearing_first, _copy_sent, _handler_assigned),
    CLOSED: (_cause_before_close,),
}

#: The data each move must carry (field names in the `data` dict of `services.transition`).
REQUIRED = {
    INFORMAL: ('approach',),
    RESOLVED: ('confirmed_by', 'confirmed_on', 'how'),
    NOT_HANDLED: ('ground', 'explanation'),
    NOT_A_COMPLAINT: ('classification', 'explanation'),
    HEARING_INVITED: ('planned_at', 'location'),
    HEARING_HELD: ('held_on', 'report'),
    HEARING_WAIVED: ('ground', 'explanation'),
    CONCLUDED: ('findings', 'judgement'),
}


def guard_errors(complaint, to_state):
    errors = {}
    for guard in GUARDS.get(to_state, ()):
        for field, messages in guard(complaint, to_state).items():
            errors.setdefault(field, []).extend(messages)
    return errors
