"""The layers of docs/architecture.md hold: a lower domain never imports a higher one, and
the adapters (views, API endpoints, forms, template tags, management commands) read through
selectors — no other app's models in the screens (import-linter contracts in pyproject.toml),
no model manager of their own (a grep). Every event is declared in the catalogue. The shared
screen and service helpers are defined once, below the domains, and imported from there."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_import_layers_are_kept():
    linter = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or shutil.which(
        "lint-imports"
    )
    assert linter, "import-linter is a dev dependency (make install)"
    result = subprocess.run(
        [linter, "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]


def test_services_and_selectors_type_check():
    """mypy with django-stubs ([tool.mypy] in pyproject.toml) is clean on every app's services
    and selectors, the write and read paths (`make lint` runs the same)."""
    mypy = shutil.which("mypy", path=str(Path(sys.executable).parent)) or shutil.which("mypy")
    assert mypy, "mypy is a dev dependency (make install)"
    result = subprocess.run(
        [mypy, "--cache-dir", "/dev/null"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        env={"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]


# Reads an adapter may not do itself (docs/architecture.md convention 2: selectors are the only
# read path): a model manager, or a shortcut that queries a model directly.
DIRECT_READ = re.compile(
    r"\.objects\b|\ball_objects\b|_default_manager|\bget_(?:object|list)_or_404\("
)
# "path: stripped line" -> why the read stays in the adapter. A new direct read fails the test.
_COMMAND = "a command-line tool of the operator: no signed-in user to restrict() for"
# (file, the read as it stands on its line) -> why it may stay; a fragment rather than the
# whole line, so a formatter's line breaks do not change what is allowed
ALLOWED_DIRECT_READS: dict[tuple[str, str], str] = {
    (
        "accounts/management/commands/createuser.py",
        'Team.objects.filter(name=options["team"])',
    ): _COMMAND,
    (
        "accounts/management/commands/token.py",
        'User.objects.get(username=options["username"])',
    ): _COMMAND,
    ("accounts/management/commands/token.py", "ApiToken.objects.filter("): _COMMAND,
    (
        "customers/management/commands/seed.py",
        "User.objects.filter(is_active=True, role__in=roles)",
    ): _COMMAND + " (benchmark data)",
    ("web/management/commands/demo.py", "User.objects.exists()"): _COMMAND + " (demo data)",
    ("web/management/commands/demo.py", "User.objects.filter(username__in="): _COMMAND
    + " (demo data)",
}


def _allowed_read(relative: str, line: str) -> bool:
    return any(
        relative == f"src/daifuku/{file}" and fragment in line
        for file, fragment in ALLOWED_DIRECT_READS
    )


def _screen_modules() -> list[Path]:
    app = ROOT / "src" / "daifuku"
    patterns = (
        "*/views.py",
        "*/views_*.py",
        "*/*_views.py",
        "*/views/**/*.py",
        "*/forms.py",
        "*/forms_*.py",
        "*/forms/**/*.py",
        "*/templatetags/**/*.py",
    )
    return sorted({path for pattern in patterns for path in app.glob(pattern)})


def _adapter_modules() -> list[Path]:
    """The screens, and the other adapters: API endpoints and management commands."""
    app = ROOT / "src" / "daifuku"
    patterns = ("*/api.py", "*/api_*.py", "api/*.py", "*/management/commands/*.py")
    return sorted(
        set(_screen_modules()) | {path for pattern in patterns for path in app.glob(pattern)}
    )


def test_adapters_read_through_selectors():
    modules = _adapter_modules()
    assert len(modules) > 40, modules  # the globs still find the adapters
    offending = []
    for path in modules:
        relative = path.relative_to(ROOT).as_posix()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if DIRECT_READ.search(line) and not _allowed_read(relative, line):
                offending.append(f"{relative}:{number}: {line.strip()}")
    assert not offending, "read through a selector instead:\n" + "\n".join(offending)


def test_model_choices_use_the_one_query_field():
    """Django's ModelChoiceField lists its choices through a server-side cursor on
    PostgreSQL (three round trips); core.form_fields.ModelChoiceField takes one query."""
    offending = [
        f"{path.relative_to(ROOT).as_posix()}:{number}: {line.strip()}"
        for path in _screen_modules()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"\bforms\.Model(?:Multiple)?ChoiceField\b", line)
    ]
    assert not offending, "use daifuku.core.form_fields.ModelChoiceField:\n" + "\n".join(offending)


def test_every_event_is_declared_with_its_listeners():
    """The catalogue (core.event_catalogue) says who reacts to each event: exactly the apps
    whose handlers ``ready()`` registered (a test's own handlers are removed after it)."""
    from daifuku.core import events

    registered: dict[str, set[str]] = {}
    for registry in (events._after_commit, events._in_transaction):
        for name, handlers in registry.items():
            for handler in handlers:
                registered.setdefault(name, set()).add(handler.__module__.split(".")[1])
    declared = {
        event.name: set(event.listened_by)
        for event in events.CATALOGUE.values()
        if event.listened_by
    }
    assert registered == declared


def test_the_architecture_page_lists_the_event_catalogue():
    """docs/architecture.md's event table is the catalogue in code, row for row."""
    from daifuku.core import events

    table = events.catalogue_table()
    page = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    assert table in page, (
        "paste daifuku.core.events.catalogue_table() into docs/architecture.md:\n" + table
    )


# The helpers every domain's screens and services share live below the domains, once
# (docs/architecture.md, "Conventions" and "Add a domain app"): name -> home module.
SHARED_HELPERS = {
    "page_size": "daifuku.core.screens",
    "int_or_none": "daifuku.core.screens",
    "run_service": "daifuku.core.screens",
    "done": "daifuku.core.screens",
    "safe_next": "daifuku.core.screens",
    "wants_partial": "daifuku.core.screens",
    "page_or_partial": "daifuku.core.screens",
    "ServiceForm": "daifuku.core.service_forms",
    "if_match_version": "daifuku.core.conditional",
    "is_user": "daifuku.accounts.permissions",
    "ensure_can": "daifuku.accounts.permissions",
    "check_version": "daifuku.accounts.permissions",
}
# (importing module, name) -> why it still imports the name from somewhere else.
ALLOWED_OLD_HOME_IMPORTS: dict[tuple[str, str], str] = {}


def _source_modules():
    """(dotted module name, parsed tree) of every module of the application, tests aside."""
    import ast

    app = ROOT / "src" / "daifuku"
    for path in sorted(app.rglob("*.py")):
        parts = path.relative_to(app.parent).with_suffix("").parts
        if "tests" in parts or "migrations" in parts:
            continue
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        yield name, path.name == "__init__.py", ast.parse(path.read_text(encoding="utf-8"))


def test_shared_helpers_are_defined_once_in_their_home():
    """A second ``def run_service`` (or ``_is_user``, ``class ServiceForm``…) in a domain is
    the copy a new app would copy again."""
    import ast

    offending = []
    for module, _package, tree in _source_modules():
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                home = SHARED_HELPERS.get(node.name.lstrip("_"))
                if home is not None and module != home:
                    offending.append(f"{module}:{node.lineno}: {node.name} (home: {home})")
    assert not offending, "use the shared helper from its home:\n" + "\n".join(offending)


def test_shared_helpers_are_imported_from_their_home():
    """Nobody imports a shared helper through another domain's module (a re-export keeps
    the old home alive and the layers tangled)."""
    import ast

    offending = []
    for module, package, tree in _source_modules():
        for node in ast.walk(tree):
            if not isinstance(node, ast.ImportFrom):
                continue
            source = node.module or ""
            if node.level:
                base = module.split(".")
                base = base[: len(base) - node.level + (1 if package else 0)]
                source = ".".join(base + ([source] if source else []))
            for alias in node.names:
                home = SHARED_HELPERS.get(alias.name)
                if (
                    home is not None
                    and source != home
                    and (module, alias.name) not in ALLOWED_OLD_HOME_IMPORTS
                ):
                    offending.append(f"{module}:{node.lineno}: {alias.name} from {source}")
    assert not offending, "import the shared helper from its home:\n" + "\n".join(offending)


def test_one_htmx_partial_or_page_choice():
    """Whether a request swaps part of a page is decided in one place
    (``core.screens.wants_partial`` / ``page_or_partial``), so a boosted navigation and a
    swap are told apart the same way on every screen."""
    offending = [
        f"{path.relative_to(ROOT).as_posix()}:{number}: {line.strip()}"
        for path in sorted((ROOT / "src" / "daifuku").rglob("*.py"))
        if "tests" not in path.parts and path.name != "screens.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"\.htmx\b|HX-Request|HTTP_HX_REQUEST", line)
    ]
    assert not offending, "use daifuku.core.screens.page_or_partial:\n" + "\n".join(offending)


# jobs queued before the move to ``jobs.py`` name these modules' tasks (see the next test)
RELEASED_TASK_ALIASES = {
    "daifuku.imports.tasks",
    "daifuku.activities.tasks",
    "daifuku.customers.dedup.tasks",
}


def test_jobs_are_in_no_import_circle():
    """Job declarations and bodies live in ``<app>/jobs.py`` (docs/architecture.md checklist):
    a service that queues a job imports it, and the job's body never leads back to that
    service — no module both depends on a jobs module and is depended on by it (function-level
    imports count: grimp reads them all)."""
    import grimp

    graph = grimp.build_graph("daifuku")
    jobs_modules = sorted(
        m for m in graph.modules if m.endswith(".jobs") and m != "daifuku.core.jobs"
    )
    assert {
        "daifuku.imports.jobs",
        "daifuku.activities.jobs",
        "daifuku.customers.dedup.jobs",
        "daifuku.analytics.jobs",
        "daifuku.marketing.jobs",
        "daifuku.commerce.jobs",
        "daifuku.behaviour.jobs",
    } <= set(jobs_modules)
    # the convention's one name: no task declarations or job bodies beside ``jobs.py``
    # (``<app>.tasks`` modules are only the released apps' aliases for queued jobs)
    strays = sorted(
        m
        for m in graph.modules
        if m.rsplit(".", 1)[-1].startswith(("jobs_", "tasks_"))
        or (m.endswith(".tasks") and m not in RELEASED_TASK_ALIASES)
    )
    assert not strays, strays
    circles = {
        module: sorted(graph.find_upstream_modules(module) & graph.find_downstream_modules(module))
        for module in jobs_modules
    }
    assert not any(circles.values()), circles


def test_queued_jobs_under_their_former_paths_still_run():
    """A queued job names its task by the task's dotted path; jobs queued before the move to
    ``jobs.py`` name ``<app>.tasks.…``, which must resolve to the same task."""
    from django.utils.module_loading import import_string

    for former, current in (
        ("daifuku.imports.tasks.run_import", "daifuku.imports.jobs.run_import"),
        ("daifuku.imports.tasks.undo_import", "daifuku.imports.jobs.undo_import"),
        ("daifuku.customers.dedup.tasks.dedup_scan", "daifuku.customers.dedup.jobs.dedup_scan"),
        (
            "daifuku.activities.tasks.send_reminder_task",
            "daifuku.activities.jobs.send_reminder_task",
        ),
        (
            "daifuku.activities.tasks.send_reminder_mail_task",
            "daifuku.activities.jobs.send_reminder_mail_task",
        ),
    ):
        assert import_string(former) is import_string(current), former
