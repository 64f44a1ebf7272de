from django.views.generic import View as _V
OverviewView = QueueView = SignalView = RetriageView = ReleaseView = AgreedDateView = RulesView = _V
