"""Recording the CIN census items where they are known: a child's UPN (or why it is unknown),
ethnicity and disabilities, and the closure of an episode (referral) with its DfE reason. Each
code is checked against the DfE's list: a bad one is a 400 naming the field."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.generics import get_object_or_404
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import selectors, services
from ..models import Referral, User
from ..permissions import MACH_WORKERS, roles
from ..returns.inputs import (
    ChildCensusDetailsSerializer,
    PrimaryNeedSerializer,
    ReferralCloseSerializer,
)
from .children import ChildSerializer


class ReferralCensusSerializer(serializers.ModelSerializer):
    class Meta:
        model = Referral
        fields = [
            "id",
            "child",
            "referral_date",
            "is_rereferral",
            "primary_need",
            "closed_on",
            "closure_reason",
        ]
        read_only_fields = fields


def _user(request: Request) -> User:
    assert isinstance(request.user, User)
    return request.user


class ChildCensusDetailsApi(APIView):
    permission_classes = [roles(*MACH_WORKERS)]

    @extend_schema(
        operation_id="children_census_details",
        summary="Record a child's census details",
        request=ChildCensusDetailsSerializer,
        responses={200: ChildSerializer},
        description="The child's UPN or the reason it is unknown (UN1-UN7), ethnicity and "
        "disabilities, as the DfE's code lists give them; each field sent replaces the one held.",
    )
    def post(self, request: Request, child_id: int) -> Response:
        user = _user(request)
        child = get_object_or_404(selectors.children_visible_to(user), pk=child_id)
        payload = ChildCensusDetailsSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        child = services.child_census_details_record(
            actor=user, child=child, **payload.validated_data
        )
        return Response(ChildSerializer(child).data)


def _referral(request: Request, referral_id: int) -> Referral:
    visible = selectors.children_visible_to(_user(request))
    return get_object_or_404(Referral.objects.filter(child__in=visible), pk=referral_id)


class ReferralPrimaryNeedApi(APIView):
    permission_classes = [roles(*MACH_WORKERS)]

    @extend_schema(
        operation_id="referrals_primary_need",
        summary="Record an episode's primary need",
        request=PrimaryNeedSerializer,
        responses={200: ReferralCensusSerializer},
        description="Record or correct the episode's (referral's) primary need code, N0-N9.",
    )
    def post(self, request: Request, referral_id: int) -> Response:
        referral = _referral(request, referral_id)
        payload = PrimaryNeedSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        referral = services.referral_primary_need_record(
            actor=_user(request), referral=referral, **payload.validated_data
        )
        return Response(ReferralCensusSerializer(referral).data)


class ReferralCloseApi(APIView):
    permission_classes = [roles(*MACH_WORKERS)]

    @extend_schema(
        operation_id="referrals_close",
        summary="Close a child's episode",
        request=ReferralCloseSerializer,
        responses={200: ReferralCensusSerializer},
        description="Close the episode (referral) on `closed_on` with its reason for closure "
        "(RC1-RC9), and record its primary need code (N0-N9) if not yet known. A second "
        "closure gets 409.",
    )
    def post(self, request: Request, referral_id: int) -> Response:
        referral = _referral(request, referral_id)
        payload = ReferralCloseSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        referral = services.referral_close(
            actor=_user(request), referral=referral, **payload.validated_data
        )
        return Response(ReferralCensusSerializer(referral).data)
