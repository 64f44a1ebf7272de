"""Triage: every report in one of three lanes (eenvoudig, complex, maatwerk), each with its own team and
service formula; explainable decisions, team queues and SLA tracking. Reaches Signalen only through
signals_haarlem/signalen.py, so it runs on the standalone core and inside upstream Signalen alike.

How a signal is triaged (services.triage_signal, engine.RuleSet.decide):
1. the active rules in order (Rule.order, then id), first match wins; each rule has a kind from the
   registry in rules.py (category, type, priority, keywords, area, repeat_spot, repeat_reporter,
   parent_child; other apps may register more) and an optional category scope;
2. else the category's default lane (CategoryLane), else its main category's;
3. else the fallback lane, settings.HAARLEM['TRIAGE_FALLBACK_LANE'].
The Decision records lane, rule (and a snapshot of it), the reason in words, who (None: the system),
why (trigger) and the deadlines (deadlines.py, on signals_haarlem.workdays). SignalLane is the current
decision per signal plus what the queues filter on; it changes in the same transaction. The lane's team
becomes the routing department and a note goes into the signal's Signalen history.

When: receivers.py (create_initial, category/location/type/priority changes, a reopen request, a new
child signal) queue tasks.triage_signal; a lane chosen by staff (services.retriage) sticks until
services.release. tasks.reconcile (every 10 minutes) triages what a failed receiver missed;
tasks.check_deadlines (twice an hour, sla.py) marks late and nearly late terms, mails the team once and
tells a contactable reporter a new expected date (MessageTemplate). `manage.py retriage_open
[--dry-run]` re-triages open signals after a rule change.

Where: API under /signals/v1/haarlem/triage/ (api/), werkplek pages under /werkplek/triage/ (pages/),
Django admin (lanes, category lanes, rules with a dry-run before saving, areas, templates; decisions
and SLA events read-only).

Permissions (app label haarlem_triage): view_decision (queues, a signal's triage), retriage (choose or
release a lane by hand), set_agreed_date (maatwerk: the date agreed with the reporter), dryrun_rule,
and the model permissions {view,add,change,delete}_{lane,categorylane,rule,area,messagetemplate},
view_slaevent, view_signallane.
"""
