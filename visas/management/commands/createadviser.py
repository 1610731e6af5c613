"""Create an immigration adviser: a staff login in the advisers group, never a superuser."""

from __future__ import annotations

import getpass
import os
import sys
from typing import Any

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

ADVISERS_GROUP = "Immigration advisers"


class Command(BaseCommand):
    help = (
        "Create an immigration adviser login (staff, in the 'Immigration advisers' group). "
        "Asks for the user name and password, or takes --username with the password from "
        "--password-stdin or the ADVISER_PASSWORD environment variable."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username")
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--password-stdin", action="store_true", help="Read the password from stdin."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        User = get_user_model()
        username = options["username"]
        interactive = username is None
        if interactive:
            username = input("Adviser user name: ").strip()
        if not username:
            raise CommandError("Give a user name (--username or at the prompt).")
        if User.objects.filter(username=username).exists():
            raise CommandError(f"A user named {username!r} already exists: choose another name.")

        if options["password_stdin"]:
            password = sys.stdin.readline().rstrip("\n")
        elif os.environ.get("ADVISER_PASSWORD"):
            password = os.environ["ADVISER_PASSWORD"]
        elif interactive:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("The passwords did not match. Nothing was created.")
        else:
            raise CommandError(
                "No password: use --password-stdin, set ADVISER_PASSWORD, or run without "
                "--username to be asked."
            )

        user = User(username=username, email=options["email"], is_staff=True)
        try:
            password_validation.validate_password(password, user)
        except ValidationError as error:
            raise CommandError("Password refused: " + " ".join(error.messages)) from error
        try:
            group = Group.objects.get(name=ADVISERS_GROUP)
        except Group.DoesNotExist as error:
            raise CommandError(
                f"The {ADVISERS_GROUP!r} group is missing: run `python manage.py migrate`."
            ) from error
        with transaction.atomic():
            user.set_password(password)
            user.save()
            user.groups.add(group)
        self.stdout.write(f"Adviser {username!r} created; they can sign in to the admin now.")
