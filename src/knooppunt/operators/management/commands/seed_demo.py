from django.core.management.base import BaseCommand

from knooppunt.operators.demo import DEMO_PASSWORD, seed


class Command(BaseCommand):
    help = "Laadt de demogegevens (kan vaker worden uitgevoerd) en drukt de demo-logins af."

    def handle(self, *args, **options):
        logins = seed()
        self.stdout.write(f"Demo-logins (wachtwoord voor allen: {DEMO_PASSWORD})")
        for organisation, user in logins:
            role = "gebruikersbeheerder" if user.is_administrator else "gebruiker"
            if user.organisation.is_operator:
                role = "beheerorganisatie (beheerconsole: /operator/)"
            self.stdout.write(f"  {user.username:<14} {organisation:<26} {role}")
