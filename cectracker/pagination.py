"""Pagination for every API list."""

from rest_framework.pagination import LimitOffsetPagination

from cectracker.queryparams import PageQuerySerializer, query_params_valid


class LimitOffsetPage(LimitOffsetPagination):
    """Every API list: `limit` (at most 200) and `offset`; huge values would overflow the database's integers.

    Both are checked (cectracker.queryparams): `offset=null`, a negative or repeated one is a 400 naming it,
    not silently the first page. Views declare them in the schema with `PageQuerySerializer`."""

    max_limit = 200
    max_offset = 2**31 - 1

    def paginate_queryset(self, queryset, request, view=None):
        self.page_query = query_params_valid(request, PageQuerySerializer, only=False)
        return super().paginate_queryset(queryset, request, view)

    def get_limit(self, request):
        return min(self.page_query.get("limit", self.default_limit), self.max_limit)

    def get_offset(self, request):
        return min(self.page_query.get("offset", 0), self.max_offset)
