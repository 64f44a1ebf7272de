"""Forms of the werkplek pages. They only shape input; the rules live in services.py."""
from django import forms
from django.contrib.auth import get_user_model

from signals_haarlem import signalen

from .. import services, workflow
from ..models import Cause, Complaint, ImprovementMeasure, Norm

DATE = forms.DateInput(attrs={'type': 'date'}, format='%Y-%m-%d')
TEXT = forms.Textarea(attrs={'rows': 4})


class StaffChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return services.who(obj)


class IntakeForm(forms.ModelForm):
    acknowledge = forms.BooleanField(label='Ontvangstbevestiging direct maken (schriftelijke klacht, Awb 9:6)',
                                     required=False, initial=True)
    employee = StaffChoice(label='Beklaagde medewerker (als die een account heeft)', required=False,
                           queryset=get_user_model().objects.filter(is_active=True).order_by('first_name', 'last_name'))
    department_concerned = forms.ModelChoiceField(label='Betrokken afdeling of ketenpartner', required=False,
                                                  queryset=signalen.get_model('Department').objects.order_by('name'))

    class Meta:
        model = Complaint
        fields = services.INTAKE_FIELDS
        widgets = {'received_on': DATE, 'conduct_date': DATE, 'conduct_description': TEXT}
        labels = {'classification': 'Wat is het?'}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields['received_on'].required = True


class AssignForm(forms.Form):
    handler = StaffChoice(label='Klachtbehandelaar', queryset=get_user_model().objects.none())
    reason = forms.CharField(label='Toelichting', required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields['handler'].queryset = services.handlers()


class ReasonForm(forms.Form):
    reason = forms.CharField(label='Toelichting', required=False, widget=forms.Textarea(attrs={'rows': 2}))


class InformalForm(ReasonForm):
    approach = forms.CharField(label='Hoe is de klacht informeel opgepakt? (wie, wanneer, hoe)', widget=TEXT)


class ResolvedForm(ReasonForm):
    confirmed_by = forms.CharField(label='Tevredenheid bevestigd door')
    confirmed_on = forms.DateField(label='Bevestigd op', widget=DATE)
    how = forms.ChoiceField(label='Bevestigd via', choices=workflow.CONFIRMATION_METHODS)
    note = forms.CharField(label='Wat is de oplossing?', required=False, widget=TEXT)
    send_letter = forms.BooleanField(label='Bevestigingsbrief sturen', required=False, initial=True)


class NotHandledForm(ReasonForm):
    ground = forms.ChoiceField(label='Grond (Awb 9:8)', choices=workflow.NOT_HANDLED_GROUNDS)
    explanation = forms.CharField(label='Toelichting voor de klager', widget=TEXT)


class NotAComplaintForm(ReasonForm):
    classification = forms.ChoiceField(label='Wat is het dan?', choices=[
        c for c in Complaint.CLASSIFICATIONS if c[0] != Complaint.GEDRAGSKLACHT])
    forward_to = forms.CharField(label='Doorgezonden aan (bij een ander bestuursorgaan, Awb 2:3)', required=False)
    explanation = forms.CharField(label='Toelichting voor de afzender', widget=TEXT)


class HearingInvitedForm(ReasonForm):
    planned_at = forms.DateTimeField(label='Datum en tijd', widget=forms.DateTimeInput(attrs={'type': 'datetime-local'}),
                                     input_formats=['%Y-%m-%dT%H:%M', '%Y-%m-%d %H:%M'])
    location = forms.CharField(label='Plaats', initial='Stadhuis, Grote Markt 2')
    invite_person = forms.BooleanField(label='Ook de beklaagde uitnodigen', required=False, initial=True)


class HearingHeldForm(ReasonForm):
    held_on = forms.DateField(label='Gehoord op', widget=DATE)
    report = forms.CharField(label='Verslag van het horen', widget=TEXT)


class HearingWaivedForm(ReasonForm):
    ground = forms.ChoiceField(label='Grond (Awb 9:10 lid 2)', choices=workflow.HEARING_WAIVER_GROUNDS)
    explanation = forms.CharField(label='Toelichting', widget=TEXT)


class NormsField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj):
        return f'{obj.group}{obj.number}. {obj.name}'


class ConcludedForm(ReasonForm):
    findings = forms.CharField(label='Bevindingen', widget=TEXT)
    judgement = forms.ChoiceField(label='Oordeel', choices=workflow.JUDGEMENTS)
    conclusions = forms.CharField(label='Conclusies', required=False, widget=TEXT)
    norms = NormsField(label='Geschonden normen (Behoorlijkheidswijzer)', required=False,
                       queryset=Norm.objects.filter(is_active=True))
    cause = forms.ModelChoiceField(label='Oorzaak', required=False, queryset=Cause.objects.filter(is_active=True))
    measure_description = forms.CharField(label='Verbetermaatregel (optioneel)', required=False)
    measure_due_date = forms.DateField(label='Maatregel gereed vóór', required=False, widget=DATE)
    measure_owner_name = forms.CharField(label='Eigenaar maatregel', required=False)

    def service_data(self):
        d = dict(self.cleaned_data)
        data = {k: d[k] for k in ('findings', 'judgement', 'conclusions')}
        data['norms'] = [n.number for n in d['norms']]
        if d.get('cause'):
            data['cause'] = d['cause'].code
        if d.get('measure_description'):
            data['measures'] = [{'description': d['measure_description'], 'due_date': d['measure_due_date'],
                                 'owner_name': d['measure_owner_name']}]
        return data


class ClosedForm(ReasonForm):
    note = forms.CharField(label='Afsluiting: wat heeft de organisatie geleerd, is de klager tevreden?',
                           required=False, widget=TEXT)


TRANSITION_FORMS = {
    workflow.ACKNOWLEDGED: ReasonForm, workflow.INFORMAL: InformalForm, workflow.RESOLVED: ResolvedForm,
    workflow.NOT_HANDLED: NotHandledForm, workflow.NOT_A_COMPLAINT: NotAComplaintForm,
    workflow.IN_TREATMENT: ReasonForm, workflow.HEARING_INVITED: HearingInvitedForm,
    workflow.HEARING_HELD: HearingHeldForm, workflow.HEARING_WAIVED: HearingWaivedForm,
    workflow.CONCLUDED: ConcludedForm, workflow.CLOSED: ClosedForm,
}


class CopyForm(forms.Form):
    sent_on = forms.DateField(label='Verstuurd op', widget=DATE)
    how = forms.CharField(label='Hoe verstuurd', required=False, initial='e-mail')
    send_letter = forms.BooleanField(label='Afschriftbrief maken', required=False, initial=True)


class ExtendForm(forms.Form):
    weeks = forms.IntegerField(label='Aantal weken (ten hoogste 4)', min_value=1, max_value=4, initial=4)
    reason = forms.CharField(label='Reden (staat in de brieven)', widget=TEXT)


class PostponeForm(forms.Form):
    until = forms.DateField(label='Nieuwe uiterste datum', widget=DATE)
    consent_received_on = forms.DateField(label='Schriftelijke instemming ontvangen op', widget=DATE)
    consent_how = forms.ChoiceField(label='Instemming via', choices=workflow.WRITTEN_CONSENT_METHODS)
    reason = forms.CharField(label='Reden', widget=TEXT)


class CommitteeForm(forms.Form):
    advice_committee = forms.BooleanField(label='Advies van de klachtadviescommissie (termijn 10 weken)', required=False)
    reason = forms.CharField(label='Reden')


class LearningForm(forms.Form):
    norms = NormsField(label='Geschonden normen (Behoorlijkheidswijzer)', required=False,
                       queryset=Norm.objects.filter(is_active=True))
    cause = forms.ModelChoiceField(label='Oorzaak', required=False, queryset=Cause.objects.filter(is_active=True))
    cause_note = forms.CharField(label='Toelichting oorzaak', required=False, widget=forms.Textarea(attrs={'rows': 2}))


class MeasureForm(forms.Form):
    description = forms.CharField(label='Maatregel', widget=forms.Textarea(attrs={'rows': 2}))
    due_date = forms.DateField(label='Gereed vóór', widget=DATE)
    owner_name = forms.CharField(label='Eigenaar')


class MeasureStatusForm(forms.Form):
    status = forms.ChoiceField(label='Status', choices=ImprovementMeasure.STATUSES)
    note = forms.CharField(label='Toelichting', required=False)


class NoteForm(forms.Form):
    text = forms.CharField(label='Notitie', widget=forms.Textarea(attrs={'rows': 2}))


class OmbudsmanForm(forms.Form):
    received_on = forms.DateField(label='Verzoek ombudsman ontvangen op', widget=DATE)
    reference = forms.CharField(label='Kenmerk ombudsman', required=False)
    ombudsman = forms.CharField(label='Ombudsman', initial='Nationale ombudsman')


class EditForm(forms.ModelForm):
    employee = IntakeForm.base_fields['employee']
    department_concerned = IntakeForm.base_fields['department_concerned']
    reason = forms.CharField(label='Reden van de correctie')

    class Meta:
        model = Complaint
        fields = ('complainant_name', 'complainant_organisation', 'complainant_address', 'complainant_postcode',
                  'complainant_city', 'complainant_email', 'complainant_phone', 'subject', 'conduct_description',
                  'conduct_date', 'employee', 'employee_name', 'about_governing_body', 'department_concerned')
        widgets = {'conduct_date': DATE, 'conduct_description': TEXT}
