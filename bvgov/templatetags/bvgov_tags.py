"""Template tags of the site itself: its service navigation."""

from django import template
from django.urls import reverse

from ..roles import READ_TRAIL

register = template.Library()

# The service navigation, in the order members read it. Plain paths until each section's view exists.
NAVIGATION = [
    ("Committee dashboard", "/"),
    ("Board dashboard", "/boards/"),
    ("My actions", "/my-actions/"),
    ("Reviews", "/reviews/"),
    ("Recommendations", "/recommendations/"),
    ("Actions", "/actions/"),
    ("Decisions", "/decisions/"),
    ("Audit trail", "/audit/"),
]


@register.inclusion_tag("partials/service_navigation.html", takes_context=True)
def service_navigation(context):
    """The service navigation for the signed-in user, with the current section marked.

    The committee dashboard ("/") is current only on itself; every other section is current on its own pages too.
    """
    request = context.get("request")
    user = context.get("user")
    if request is None or user is None or not user.is_authenticated:
        return {"items": []}
    # A link to a page the user would be refused is left out.
    entries = [(label, href) for label, href in NAVIGATION if href != "/audit/" or user.has_perm(READ_TRAIL)]
    if user.is_staff:
        entries.append(("Admin", reverse("admin:index")))
    items = []
    for label, href in entries:
        if request.path == href:
            current = "page"
        elif href != "/" and request.path.startswith(href):
            current = "true"
        else:
            current = None
        items.append({"label": label, "href": href, "current": current})
    return {"items": items}


@register.filter
def reads_trail(user) -> bool:
    """Whether the user may read the audit trail: links to it are shown only to them."""
    return user.has_perm(READ_TRAIL)
