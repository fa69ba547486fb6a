from django.core.management.base import BaseCommand, CommandError

from apps.core import catalogs


class Command(BaseCommand):
    help = "The translation catalogs without GNU gettext: extract (update .po from the sources), compile (.mo), check."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["extract", "compile", "check"])
        parser.add_argument("--area", action="append", help="only these apps' catalogs (default: all)")

    def handle(self, *args, action, area=None, **options):
        areas = [a for a in catalogs.AREAS if not area or a.name in area]
        if area and len(areas) != len(area):
            raise CommandError(f"Unknown area; known: {', '.join(a.name for a in catalogs.AREAS)}")
        if action == "extract":
            for name, (added, removed) in catalogs.extract_all(areas).items():
                self.stdout.write(f"{name}: {added} new, {removed} gone")
        elif action == "compile":
            for path in catalogs.compile_all(areas):
                self.stdout.write(f"compiled {path}")
        else:
            found = catalogs.problems(areas)
            for line in found:
                self.stdout.write(line)
            if found:
                raise CommandError(f"{len(found)} catalog problem(s)")
            self.stdout.write("catalogs complete")
