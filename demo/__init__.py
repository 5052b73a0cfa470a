"""The demo register: the 2000–2005 best value programme of the police authority, loaded from its public reports."""

# One shared password for every demo account; the accounts exist only for trying bvgov out on a development machine.
DEMO_PASSWORD = "bvgov-demo-only"
