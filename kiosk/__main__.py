"""``python -m kiosk``: the command line without the screens."""

from kiosk.cli import main

raise SystemExit(main())
