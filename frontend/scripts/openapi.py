"""Print the backend's OpenAPI document, built by the app's own factory without serving.

`make api-types` turns it into `frontend/src/api/schema.d.ts`. Settings are the defaults
(no `config/.env`, no `APP_*` variable of the shell), so the document is the same on every
machine; nothing connects: building the container and the app opens no connection.
"""

from __future__ import annotations

import json
import os
import sys


def main() -> None:
    for name in [n for n in os.environ if n.startswith("APP_")]:
        del os.environ[name]
    from loguru import logger

    from bootstrap import Settings, build_container
    from entrypoints.http.app import create_app

    logger.remove()  # start-up notes such as "no built dashboard" are not the document
    logger.add(sys.stderr, level="WARNING")

    settings = Settings(_env_file=None, database_url="sqlite://", redis_url=None)
    document = create_app(build_container(settings)).openapi()
    json.dump(document, sys.stdout, ensure_ascii=False, indent=2, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
