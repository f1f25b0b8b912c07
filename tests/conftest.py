"""Settings shared by both suites: no test reads the developer's config/.env."""

from __future__ import annotations

import os

os.environ.setdefault("APP_ENV", "test")
