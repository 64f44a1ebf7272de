"""The Signalen status workflow: codes, Dutch labels and the transition table (as upstream Signalen).

`TRANSITIONS[from_state]` lists the states a signal in `from_state` may move to. The empty state
is a new signal. States in APPLICATION_ONLY are set by the application (integrations), never by a
person through the API.
"""
LEEG = ''
GEMELD = 'm'
AFWACHTING = 'i'
BEHANDELING = 'b'
ON_HOLD = 'h'
INGEPLAND = 'ingepland'
TE_VERZENDEN = 'ready to send'
AFGEHANDELD = 'o'
GEANNULEERD = 'a'
HEROPEND = 'reopened'
GESPLITST = 's'
VERZOEK_TOT_AFHANDELING = 'closure requested'
REACTIE_GEVRAAGD = 'reaction requested'
REACTIE_ONTVANGEN = 'reaction received'
DOORGEZET_NAAR_EXTERN = 'forward to external'
VERZONDEN = 'sent'
VERZENDEN_MISLUKT = 'send failed'
AFGEHANDELD_EXTERN = 'done external'
VERZOEK_TOT_HEROPENEN = 'reopen requested'

STATUS_CHOICES = (
    (GEMELD, 'Gemeld'),
    (AFWACHTING, 'In afwachting van behandeling'),
    (BEHANDELING, 'In behandeling'),
    (ON_HOLD, 'On hold'),
    (INGEPLAND, 'Ingepland'),
    (TE_VERZENDEN, 'Extern: te verzenden'),
    (AFGEHANDELD, 'Afgehandeld'),
    (GEANNULEERD, 'Geannuleerd'),
    (HEROPEND, 'Heropend'),
    (GESPLITST, 'Gesplitst'),
    (VERZOEK_TOT_AFHANDELING, 'Extern: verzoek tot afhandeling'),
    (REACTIE_GEVRAAGD, 'Reactie gevraagd'),
    (REACTIE_ONTVANGEN, 'Reactie ontvangen'),
    (DOORGEZET_NAAR_EXTERN, 'Doorgezet naar extern'),
    (VERZONDEN, 'Extern: verzonden'),
    (VERZENDEN_MISLUKT, 'Extern: mislukt'),
    (AFGEHANDELD_EXTERN, 'Extern: afgehandeld'),
    (VERZOEK_TOT_HEROPENEN, 'Verzoek tot heropenen'),
)
STATUS_LABELS = dict(STATUS_CHOICES)
APPLICATION_ONLY = frozenset({VERZONDEN, VERZENDEN_MISLUKT, AFGEHANDELD_EXTERN, VERZOEK_TOT_HEROPENEN})

# A status change to one of these needs an explanation (shown to the reporter).
TEXT_REQUIRED = frozenset({AFGEHANDELD, GEANNULEERD, HEROPEND, DOORGEZET_NAAR_EXTERN})

# States in which a signal counts as closed.
CLOSED_STATES = frozenset({AFGEHANDELD, GEANNULEERD, GESPLITST})
OPEN_STATES = frozenset(code for code, _ in STATUS_CHOICES) - CLOSED_STATES

TRANSITIONS = {
    LEEG: (GEMELD,),
    GEMELD: (GEMELD, AFWACHTING, BEHANDELING, TE_VERZENDEN, AFGEHANDELD, GEANNULEERD, INGEPLAND,
             REACTIE_GEVRAAGD, DOORGEZET_NAAR_EXTERN),
    AFWACHTING: (GEMELD, AFWACHTING, INGEPLAND, VERZOEK_TOT_AFHANDELING, AFGEHANDELD, TE_VERZENDEN,
                 BEHANDELING, GEANNULEERD, REACTIE_GEVRAAGD, DOORGEZET_NAAR_EXTERN),
    BEHANDELING: (GEMELD, INGEPLAND, BEHANDELING, AFGEHANDELD, GEANNULEERD, TE_VERZENDEN,
                  VERZOEK_TOT_AFHANDELING, REACTIE_GEVRAAGD, DOORGEZET_NAAR_EXTERN),
    INGEPLAND: (GEMELD, INGEPLAND, BEHANDELING, AFGEHANDELD, GEANNULEERD, VERZOEK_TOT_AFHANDELING,
                REACTIE_GEVRAAGD, DOORGEZET_NAAR_EXTERN),
    ON_HOLD: (INGEPLAND, GEANNULEERD),
    TE_VERZENDEN: (VERZONDEN, VERZENDEN_MISLUKT, GEANNULEERD),
    VERZONDEN: (AFGEHANDELD_EXTERN, GEANNULEERD),
    VERZENDEN_MISLUKT: (GEMELD, TE_VERZENDEN, GEANNULEERD),
    AFGEHANDELD_EXTERN: (AFGEHANDELD, GEANNULEERD, BEHANDELING),
    AFGEHANDELD: (HEROPEND, VERZOEK_TOT_HEROPENEN),
    GEANNULEERD: (GEANNULEERD, HEROPEND, BEHANDELING),
    HEROPEND: (HEROPEND, BEHANDELING, AFGEHANDELD, GEANNULEERD, TE_VERZENDEN, GEMELD, REACTIE_GEVRAAGD,
               DOORGEZET_NAAR_EXTERN),
    GESPLITST: (),
    VERZOEK_TOT_AFHANDELING: (GEMELD, VERZOEK_TOT_AFHANDELING, AFWACHTING, AFGEHANDELD, GEANNULEERD,
                              BEHANDELING, DOORGEZET_NAAR_EXTERN),
    VERZOEK_TOT_HEROPENEN: (AFGEHANDELD, HEROPEND, GEANNULEERD),
    REACTIE_GEVRAAGD: (GEMELD, AFWACHTING, BEHANDELING, INGEPLAND, AFGEHANDELD, GEANNULEERD, REACTIE_GEVRAAGD,
                       REACTIE_ONTVANGEN, TE_VERZENDEN, DOORGEZET_NAAR_EXTERN),
    REACTIE_ONTVANGEN: (GEMELD, AFWACHTING, BEHANDELING, AFGEHANDELD, GEANNULEERD, INGEPLAND, REACTIE_GEVRAAGD,
                        TE_VERZENDEN, DOORGEZET_NAAR_EXTERN),
    DOORGEZET_NAAR_EXTERN: (VERZOEK_TOT_AFHANDELING, GEMELD, AFWACHTING, BEHANDELING, DOORGEZET_NAAR_EXTERN,
                            INGEPLAND, AFGEHANDELD, GEANNULEERD, REACTIE_GEVRAAGD, REACTIE_ONTVANGEN,
                            TE_VERZENDEN),
}


def label(state):
    return STATUS_LABELS.get(state, state)


def transition_errors(from_state, to_state, text):
    """Field errors (upstream's texts) for moving from `from_state` to `to_state`, or {} if allowed."""
    if to_state not in STATUS_LABELS:
        return {'state': [f'"{to_state}" is not a valid choice.']}
    if to_state not in TRANSITIONS.get(from_state, ()):
        return {'state': [f'Invalid state transition from `{label(from_state)}` to `{label(to_state)}`.']}
    if to_state in TEXT_REQUIRED and not (text or '').strip():
        return {'text': [f'This field is required when changing `state` to `{label(to_state)}`.']}
    return {}
