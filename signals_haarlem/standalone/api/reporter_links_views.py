"""The public endpoints a reporter reaches through a link in a mail: the feedback form (KTO,
`GET`/`PUT /public/feedback/forms/{token}`, `GET /public/feedback/standard_answers/`; rules in
..feedback) and the confirmation of a new e-mail address (`POST /public/reporter/verify-email`; rules in
..reporters)."""
from django.db.models import F
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from .. import feedback as service
from ..models import Feedback, StandardAnswer
from . import signals_schema as sc
from .pagination import LinkHeaderPagination
from .signals_public_views import PublicView

MAX_ANSWERS = 20


class FeedbackFormSerializer(serializers.Serializer):
    """The reporter's answer. `text` and `text_list` together are the reasons (at least one); keys the
    frontend adds besides these are ignored, as upstream does."""
    is_satisfied = serializers.BooleanField()
    allows_contact = serializers.BooleanField(required=False, default=False)
    text = serializers.CharField(max_length=1000, required=False, allow_blank=True, allow_null=True)
    text_list = serializers.ListField(child=serializers.CharField(max_length=1000), required=False, allow_null=True,
                                      max_length=MAX_ANSWERS)
    text_extra = serializers.CharField(max_length=1000, required=False, allow_blank=True, allow_null=True)

    def validate(self, attrs):
        reasons = [*(attrs.get('text_list') or []), *([attrs['text']] if attrs.get('text') else [])]
        reasons = list(dict.fromkeys(' '.join(r.split()) for r in reasons if r.strip()))  # in order, once each
        if not reasons:
            raise serializers.ValidationError({'text_list': ['Kies of geef ten minste één reden.']})
        attrs['answers'] = reasons
        return attrs


def _gone(exc):
    return Response({'detail': str(exc)}, status=410)


@extend_schema(tags=['public: feedback'])
class FeedbackForm(PublicView):
    """`GET /public/feedback/forms/{token}`: {signal_id} while the form is open; 404 for an unknown
    token, 410 {detail: "too late" | "filled out"}. `PUT`: the answer, once."""

    def _feedback(self, token):
        found = Feedback.objects.select_related('_signal').filter(token=token).first()
        if found is None:
            raise Http404
        return found

    @extend_schema(responses={200: sc.obj('{signal_id}'), 404: sc.NOT_FOUND, 410: sc.obj('{detail}')})
    def get(self, request, token):
        feedback = self._feedback(token)
        try:
            service.check_open(feedback)
        except service.Gone as exc:
            return _gone(exc)
        return Response({'signal_id': str(feedback._signal.signal_id)})

    @extend_schema(request=FeedbackFormSerializer,
                   responses={200: sc.obj('{signal_id}'), 400: sc.BAD, 404: sc.NOT_FOUND, 410: sc.obj('{detail}')})
    def put(self, request, token):
        feedback = self._feedback(token)
        try:
            service.check_open(feedback)  # a closed form says so before it judges the answer
        except service.Gone as exc:
            return _gone(exc)
        serializer = FeedbackFormSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            feedback = service.submit(token, data['is_satisfied'], data['answers'], text_extra=data.get('text_extra'),
                                      allows_contact=data.get('allows_contact', False))
        except service.Gone as exc:  # another submit of this form won the race
            return _gone(exc)
        return Response({'signal_id': str(feedback._signal.signal_id)})

    patch = put


@extend_schema(tags=['public: feedback'], parameters=sc.PAGE,
               responses=sc.obj('Gepagineerde standaardantwoorden {is_satisfied, text, topic, open_answer}'))
class StandardAnswers(PublicView):
    """`GET /public/feedback/standard_answers/`: the visible answers, by topic and order."""

    def get(self, request):
        answers = StandardAnswer.objects.filter(is_visible=True).select_related('topic') \
            .order_by(F('topic__order').asc(nulls_first=True), 'order', '-pk')  # answers without a topic first
        paginator = LinkHeaderPagination()
        page = paginator.paginate_queryset(answers, request, view=self)
        return paginator.get_paginated_response([
            {'is_satisfied': a.is_satisfied, 'text': a.text, 'topic': a.topic.description if a.topic_id else None,
             'open_answer': a.open_answer} for a in page])


class EmailVerificationSerializer(serializers.Serializer):
    token = serializers.CharField(max_length=64)


@extend_schema(tags=['public: reporter'], request=EmailVerificationSerializer,
               responses={200: sc.obj('{token}'), 400: sc.BAD})
class ReporterEmailVerification(PublicView):
    """`POST /public/reporter/verify-email {token}`: the reporter confirms a new e-mail address (the
    frontend's /verify-email/{token} page sends it)."""

    def post(self, request):
        from .. import reporters
        serializer = EmailVerificationSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        reporters.verify(serializer.validated_data['token'])  # ValidationError on `token`: a 400
        return Response({'token': serializer.validated_data['token']})
