"""The house stays in order: imports point one way, features live in folders, moves kept the database."""

import ast
import io
import re
from collections import Counter
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader

ROOT = Path(__file__).resolve().parent.parent
APPS = ("accounts", "certifications", "credits", "audits", "employers", "cectracker")


def _modules() -> dict[str, Path]:
    found = {}
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def _imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The project modules that `name` imports, at any depth of its code (imports inside functions count)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    named = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            named.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module
            named.add(module)
            named.update(f"{module}.{alias.name}" for alias in node.names)
    result = set()
    for module in named:
        while module and module not in modules:
            module = module.rpartition(".")[0]
        if module and module != name:
            result.add(module)
    return result


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan), each one import circle."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in graph[node]:
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in graph:
        if node not in index:
            visit(node)
    return found


def test_no_module_imports_a_module_that_imports_it():
    modules = _modules()
    graph = {name: _imports(name, path, modules) for name, path in modules.items()}
    assert _cycles(graph) == []


def test_the_cycle_check_finds_a_circle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_file_carries_a_feature_prefix_that_a_folder_should_carry():
    offenders = []
    for app in APPS:
        # Migrations and management commands are named by what they do, not by feature.
        skip = {"migrations", "management"}
        for folder in {p.parent for p in (ROOT / app).rglob("*.py") if not skip & set(p.parts)}:
            stems = [p.stem for p in folder.glob("*.py") if p.stem != "__init__"]
            prefixes = Counter(stem.split("_")[0] for stem in stems if "_" in stem)
            offenders += [
                f"{folder.relative_to(ROOT)}/{stem}.py"
                for stem in stems
                if "_" in stem and (prefixes[stem.split("_")[0]] > 1 or stem.startswith(("org_", "api_")))
            ]
    assert offenders == []


def test_every_module_with_a_task_is_imported_by_the_worker(settings):
    defining = {
        name for name, path in _modules().items() if re.search(r"^@shared_task", path.read_text(), flags=re.MULTILINE)
    }
    assert defining == set(settings.CELERY_IMPORTS)


def test_tasks_keep_the_names_they_were_published_under(settings):
    """Beat rows and queued messages carry a task's name: moving its code must not rename it."""
    from celery import current_app

    current_app.loader.import_default_modules()
    names = {name for name in current_app.tasks if not name.startswith("celery.")}
    assert {
        "accounts.tasks.send_email_task",
        "accounts.tasks.notification_send_task",
        "audits.tasks.audit_packet_task",
        "audits.tasks.audits_sweep_task",
        "audits.tasks.audit_packets_requeue_task",
        "certifications.tasks.reminders_sweep_task",
        "credits.tasks.completions_notify_task",
        "credits.tasks.idempotency_keys_purge_task",
        "credits.providers.services.roster_upload_process_task",
        "employers.tasks.employer_digests_task",
    } <= names
    assert {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()} <= names


# The migrations every database had before the feature folders. The move added none, so each is still
# the single parent the next migration of its app builds on, and a database of that day migrates
# forward with only the later features' migrations to apply; its tables are the ones the models name.
MIGRATED_BEFORE_THE_MOVE = {
    ("accounts", "0003_notification_ledger"),
    ("certifications", "0004_emeritus"),
    ("credits", "0002_provider_completions"),
    ("audits", "0001_initial"),
}
MOVED_MODELS = {
    "accounts.Notification": "accounts_notification",
    "accounts.ProviderApiKey": "accounts_providerapikey",
    "certifications.EmeritusApplication": "certifications_emeritusapplication",
    "credits.ProviderCompletion": "credits_providercompletion",
    "credits.IdempotencyKey": "credits_idempotencykey",
}


@pytest.mark.django_db
def test_the_move_added_no_migration_and_leaves_nothing_to_migrate():
    loader = MigrationLoader(None, ignore_no_migrations=True)
    for app_label, name in MIGRATED_BEFORE_THE_MOVE:
        # every newest migration of the app descends from it: nothing was inserted beside the move
        for leaf in [node for node in loader.graph.leaf_nodes() if node[0] == app_label]:
            assert (app_label, name) in loader.graph.forwards_plan(leaf), leaf
    out = io.StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)  # exits non-zero on any change
    assert "No changes detected" in out.getvalue()


@pytest.mark.django_db
def test_moved_models_keep_their_tables():
    tables = set(connection.introspection.table_names())
    for label, table in MOVED_MODELS.items():
        model = apps.get_model(label)
        assert model._meta.db_table == table
        assert table in tables
