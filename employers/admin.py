from django.contrib import admin

from employers.models import Consent, Link, Location

admin.site.register(Location)
admin.site.register(Link)
admin.site.register(Consent)
