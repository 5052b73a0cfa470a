"""A page's largest fragment spliced into its response as bytes, instead of being carried through the templates.

Django's template engine builds a page by joining each block's output into the block around it, so a fragment is
copied once or twice at every level it sits in, and the finished page is encoded once more. For most pages that is
nothing; for the committee dashboard of a large register, whose progress table has a row per review (2 MB of HTML
for 2,000 reviews), those copies were half of what the page cost after a write. The template writes a marker where
the fragment goes (`{% splice "name" %}`, tags.bvgov_tags), the view names what each marker stands for, and
SplicedTemplateResponse puts the fragment's bytes in place once: one copy, into the response.

Markers cannot come from data: every value a template writes is escaped, and "<!--" escapes to "&lt;!--".
"""

import re
from collections.abc import Callable

from django.template.response import TemplateResponse

MARKER = "<!--bvgov-splice:{}-->"
_MARKERS = re.compile(r"<!--bvgov-splice:([a-z_]+)-->")


def marker(name: str) -> str:
    return MARKER.format(name)


def splice(html: str, fragments: dict[str, Callable[[], bytes]]) -> list[bytes]:
    """The page `html` as a list of byte strings, each marker replaced by its fragment's bytes."""
    pieces = _MARKERS.split(html)
    return [fragments[piece]() if index % 2 else piece.encode() for index, piece in enumerate(pieces)]


class SplicedTemplateResponse(TemplateResponse):
    """A TemplateResponse whose rendered page has its markers replaced by the fragments named in `fragments`: each
    a function giving the fragment's HTML as UTF-8 bytes, called only if the page has its marker."""

    def __init__(self, *args, fragments: dict[str, Callable[[], bytes]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fragments = fragments

    @property
    def rendered_content(self) -> list[bytes]:
        """The page as the byte strings render() joins into the content, once."""
        return splice(super().rendered_content, self.fragments)
