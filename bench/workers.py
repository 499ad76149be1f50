"""Real Celery worker processes for benches: what a task costs where production runs it, not inline."""

import os
import subprocess
import sys
import tempfile
import time


def database_url(connection) -> str:
    """The URL of the database `connection` points at (the bench's throwaway one), for the workers."""
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class Workers:
    """`count` worker processes (one task at a time each, local settings, no email sent) on the bench's
    database and broker, consuming `queues`; started on entry (returns once every one is ready), stopped on exit."""

    def __init__(self, count: int, *, database_url: str, redis_url: str, queues: str = "celery") -> None:
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "cectracker.settings.local",
            "DEBUG": "false",
            "CONN_MAX_AGE": "60",  # production's default: a task reuses the worker's connection, as there
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "EMAIL_URL": "dummymail://",
        }
        self.queues = queues
        self.logs = [tempfile.NamedTemporaryFile(prefix=f"bench-worker-{i}-", suffix=".log") for i in range(count)]
        self.procs: list[subprocess.Popen] = []

    def __enter__(self) -> "Workers":
        for index, log in enumerate(self.logs):
            command = [sys.executable, "-m", "celery", "-A", "cectracker", "worker", "--pool=solo", "-Q", self.queues]
            command += ["-n", f"bench{index}@%h", "-l", "info", "--without-heartbeat", "--without-gossip"]
            command += ["--without-mingle"]
            self.procs.append(subprocess.Popen(command, env=self.env, stdout=log, stderr=subprocess.STDOUT))
        deadline = time.monotonic() + 90
        while not all(self._ready(log.name) for log in self.logs):
            if time.monotonic() > deadline or any(p.poll() is not None for p in self.procs):
                raise RuntimeError("a worker did not start: " + open(self.logs[0].name).read()[-2000:])
            time.sleep(0.2)
        return self

    @staticmethod
    def _ready(path: str) -> bool:
        with open(path, "rb") as log:
            return b"ready." in log.read()

    def __exit__(self, *exc) -> None:
        for proc in self.procs:
            proc.terminate()
        for proc in self.procs:
            proc.wait(30)
