"""Pagination for every API list."""

from rest_framework.pagination import LimitOffsetPagination


class LimitOffsetPage(LimitOffsetPagination):
    """Every API list: `limit` (at most 200) and `offset`; huge values would overflow the database's integers."""

    max_limit = 200
    max_offset = 2**31 - 1

    def get_offset(self, request):
        return min(super().get_offset(request), self.max_offset)
