#!/usr/bin/env python
import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    from config.database import EmbeddedDatabaseError

    try:
        execute_from_command_line(sys.argv)
    except (ImproperlyConfigured, EmbeddedDatabaseError) as exc:
        # A configuration the settings refuse, or an embedded server that cannot start: the
        # message already says what to do, so it is printed alone (--traceback shows more).
        if "--traceback" in sys.argv:
            raise
        sys.exit(str(exc))


if __name__ == "__main__":
    main()
