"""`/api/v1/returns/…`: the statutory returns (api.md, "Reports"): the DfE Children in Need
census XML and Ofsted's Annex A lists, for managers and service managers. Every download is in
the access log, with the period, for each child it contains."""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.views import APIView

from ..models import User
from ..permissions import MANAGERS, roles
from ..returns.downloads import XLSX, annex_a_download, census_download
from ..returns.inputs import AnnexAQuerySerializer, CensusQuerySerializer


def _user(request: Request) -> User:
    assert isinstance(request.user, User)
    return request.user


class CinCensusApi(APIView):
    permission_classes = [roles(*MANAGERS)]

    @extend_schema(
        operation_id="returns_cin_census",
        summary="Download the Children in Need census",
        parameters=[
            OpenApiParameter(
                "year",
                int,
                required=True,
                description="The year the census period ends in (31 March): 2027 covers "
                "1 April 2026 to 31 March 2027.",
            )
        ],
        responses={
            (200, "application/xml"): OpenApiResponse(
                OpenApiTypes.STR, description="The census XML (DfE CIN schema)."
            )
        },
        description="The DfE Children in Need census XML, valid against the DfE schema, for "
        "every child with an episode open at any point of the census period.",
    )
    def get(self, request: Request) -> HttpResponse:
        query = CensusQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        year = query.validated_data["year"]
        return census_download(_user(request), year, via=request.get_full_path())


class AnnexAApi(APIView):
    permission_classes = [roles(*MANAGERS)]

    @extend_schema(
        operation_id="returns_annex_a",
        summary="Download Ofsted's Annex A lists",
        parameters=[
            OpenApiParameter("from", OpenApiTypes.DATE, required=True),
            OpenApiParameter("to", OpenApiTypes.DATE, required=True),
        ],
        responses={
            (200, XLSX): OpenApiResponse(
                OpenApiTypes.BINARY, description="Lists 1, 3, 4 and 5, one sheet each."
            )
        },
        description="Ofsted's Annex A lists 1 (contacts), 3 (referrals), 4 (assessments) and 5 "
        "(section 47 enquiries and conferences) for the period, one sheet each.",
    )
    def get(self, request: Request) -> HttpResponse:
        query = AnnexAQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        start, end = query.validated_data["start"], query.validated_data["to"]
        return annex_a_download(_user(request), start, end, via=request.get_full_path())
