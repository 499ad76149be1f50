# The two commands: `make run` (set up and serve the demo) and `make test` (the whole suite).
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test install lint format worker beat clean

$(BIN)/python:
	@command -v $(PY) >/dev/null 2>&1 || { echo "Python 3.11 is required ($(PY) not found)"; exit 1; }
	$(PY) -m venv $(VENV)

$(STAMP): $(BIN)/python requirements.txt requirements-dev.txt
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

run: install
	DJANGO_SETTINGS_MODULE=cectracker.settings.local $(BIN)/python manage.py migrate --noinput
	DJANGO_SETTINGS_MODULE=cectracker.settings.local $(BIN)/python manage.py load_demo
	DJANGO_SETTINGS_MODULE=cectracker.settings.local $(BIN)/python manage.py runserver 127.0.0.1:8000

test: install
	$(BIN)/ruff check .
	DJANGO_SETTINGS_MODULE=cectracker.settings.test $(BIN)/python -m pytest -q $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format . && $(BIN)/ruff check --fix .

worker: install
	$(BIN)/celery -A cectracker worker -l info

beat: install
	$(BIN)/celery -A cectracker beat -l info

clean:
	rm -rf $(VENV) db.sqlite3 media staticfiles
