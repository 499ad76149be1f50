urlpatterns: list = []
org_urlpatterns: list = []
