from django.apps import AppConfig


class CertificationsConfig(AppConfig):
    name = "certifications"

    def ready(self):
        from certifications.exports import signals  # noqa: F401
        from certifications.statements.services import statements_connect

        statements_connect()
