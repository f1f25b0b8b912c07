import sys

from entrypoints.cli.main import main

sys.exit(main())
