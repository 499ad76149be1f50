from django.apps import AppConfig


class CertificationsConfig(AppConfig):
    name = "certifications"
