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


def _compose_command():
    docker = shutil.which("docker")
    if docker and subprocess.run([docker, "compose", "version"], capture_output=True).returncode == 0:
        return [docker, "compose"]
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    return None


def test_compose_config_is_valid_for_the_docker_client():
    compose = _compose_command()
    if compose is None:
        pytest.skip("no docker compose client on this machine (.ci/run installs one)")
    result = subprocess.run(
        [*compose, "config", "-q"],
        cwd=settings.BASE_DIR,
        env={"SECRET_KEY": "x", "CECT_SIGNING_KEY": "x"},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
