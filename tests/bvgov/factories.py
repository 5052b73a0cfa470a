"""Sign-in accounts: members, officers, inspectors and administrators."""

import factory
from django.contrib.auth.models import Group
from factory.django import DjangoModelFactory

from bvgov.models import User

FIRST_NAMES = ("Sarah", "David", "Priya", "Michael", "Helen", "Tunde", "Margaret", "Richard", "Aisha", "Graham")
LAST_NAMES = ("Jenkins", "Okafor", "Hughes", "Patel", "Whitfield", "Sinclair", "Brennan", "Ahmed", "Lloyd", "Carver")

TEST_PASSWORD = "best-value-2003"


class UserFactory(DjangoModelFactory):
    """A user who can sign in with TEST_PASSWORD; pass groups=["Member"] to give them a role."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Sequence(lambda n: FIRST_NAMES[n % len(FIRST_NAMES)])
    last_name = factory.Sequence(lambda n: LAST_NAMES[(n // len(FIRST_NAMES)) % len(LAST_NAMES)])
    email = factory.LazyAttribute(lambda user: f"{user.username}@mpa.example.gov.uk")
    password = factory.django.Password(TEST_PASSWORD)

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        if not create or not extracted:
            return
        for name in extracted:
            group, _ = Group.objects.get_or_create(name=name)
            self.groups.add(group)
