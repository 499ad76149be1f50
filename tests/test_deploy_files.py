"""docker-compose.yml: the production stack is complete and valid."""

import shutil
import subprocess

import pytest
import yaml
from django.conf import settings


def test_compose_has_every_service_with_health_checks_and_an_upload_volume():
    spec = yaml.safe_load((settings.BASE_DIR / "docker-compose.yml").read_text())
    services = spec["services"]
    assert set(services) == {"web", "worker", "beat", "postgres", "redis"}
    for name in ("web", "worker", "postgres", "redis"):
        assert "healthcheck" in services[name], name
    assert "gunicorn" in services["web"]["command"]
    assert "uploads:/data/media" in services["web"]["volumes"]
    assert services["web"]["environment"]["MEDIA_ROOT"] == "/data/media"
    assert "uploads" in spec["volumes"]


def test_compose_config_is_valid_for_the_docker_client():
    docker = shutil.which("docker")
    if not docker or subprocess.run([docker, "compose", "version"], capture_output=True).returncode != 0:
        pytest.skip("the docker compose client is not installed here")
    result = subprocess.run(
        [docker, "compose", "config", "-q"],
        cwd=settings.BASE_DIR,
        env={"SECRET_KEY": "x"},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
