"""Settings for the test suite: the production settings with fast password hashing,
tasks run in-process, and mail kept in memory unless a test brings its own SMTP server."""

import os

os.environ.setdefault("DAIFUKU_TESTING", "1")

from .settings import *  # noqa: E402,F403
from .settings import STORAGES  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        "QUEUES": ["default", "imports", "mail"],
    }
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# no DNS look-ups before a send in the suite; the deliverability tests bring a DNS server
DAIFUKU_DNS_PREFLIGHT = False
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True
