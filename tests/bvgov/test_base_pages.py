"""The look and feel every page shares: sign in and out, the base template, error pages, static assets, partials."""

import re
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath

import pytest
from django import forms
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.staticfiles import finders
from django.core.paginator import Paginator
from django.template import engines, loader
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

PASSWORD = "correct-horse-battery-staple"


class _Tags(HTMLParser):
    """Collects every <script> (its attributes and text), every attribute of every tag, and every static URL."""

    def __init__(self):
        super().__init__()
        self.scripts = []
        self.attributes = []
        self._script = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.attributes.append((tag, attrs))
        if tag == "script":
            self._script = {"attrs": attrs, "text": ""}
            self.scripts.append(self._script)

    def handle_endtag(self, tag):
        if tag == "script":
            self._script = None

    def handle_data(self, data):
        if self._script is not None:
            self._script["text"] += data

    def static_paths(self):
        paths = []
        for _tag, attrs in self.attributes:
            for name in ("src", "href"):
                value = attrs.get(name) or ""
                if value.startswith(settings.STATIC_URL):
                    paths.append(value.removeprefix(settings.STATIC_URL).split("?")[0])
        return paths


def _parse(html):
    parser = _Tags()
    parser.feed(html)
    return parser


@pytest.fixture
def user(django_user_model):
    return django_user_model.objects.create_user(
        username="cfoster", password=PASSWORD, first_name="Catherine", last_name="Foster"
    )


def _render_base(path, user):
    request = RequestFactory().get(path)
    request.user = user
    return render_to_string("base.html", request=request)


@pytest.mark.django_db
def test_login_page_carries_the_service_name_and_not_gov_uk(client):
    response = client.get("/accounts/login/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "bvgov" in html
    assert "Best value governance" in html
    assert "<title>Sign in – bvgov</title>" in html
    assert "GOV.UK" not in html
    assert "GDS Transport" not in html


def test_login_and_logout_urls_are_the_named_routes():
    assert reverse("login") == "/accounts/login/"
    assert reverse("logout") == "/accounts/logout/"


def test_wrong_password_shows_the_error_summary_and_does_not_sign_in(client, user):
    response = client.post("/accounts/login/", {"username": "cfoster", "password": "wrong"})

    assert response.status_code == 200
    html = response.content.decode()
    assert '<div class="govuk-error-summary" data-module="govuk-error-summary">' in html
    assert "There is a problem" in html
    assert "The username or password is not right. Check them and try again." in html
    assert "Please enter" not in html
    assert '<a href="#id_username">' in html
    assert "<title>Error: Sign in – bvgov</title>" in html
    assert "_auth_user_id" not in client.session


def test_correct_login_signs_in_and_redirects(client, user):
    response = client.post("/accounts/login/", {"username": "cfoster", "password": PASSWORD})

    assert response.status_code == 302
    assert response.url == settings.LOGIN_REDIRECT_URL
    assert client.session["_auth_user_id"] == str(user.pk)


def test_login_returns_to_the_page_asked_for(client, user):
    response = client.post("/accounts/login/", {"username": "cfoster", "password": PASSWORD, "next": "/reviews/"})

    assert response.status_code == 302
    assert response.url == "/reviews/"


def test_logout_is_a_post_that_signs_out(client, user):
    client.force_login(user)

    assert client.get("/accounts/logout/").status_code == 405
    assert "_auth_user_id" in client.session

    response = client.post("/accounts/logout/")

    assert response.status_code == 302
    assert response.url == "/accounts/login/"
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_unknown_url_gets_the_404_page_in_the_design_system(client):
    assert settings.DEBUG is False

    response = client.get("/no-such-page/")

    assert response.status_code == 404
    html = response.content.decode()
    assert "<title>Page not found – bvgov</title>" in html
    assert '<body class="govuk-template__body">' in html
    assert "moj-header" in html
    assert "bvgov — open-source best value programme governance" in html


def test_500_page_renders_without_a_request():
    html = loader.get_template("500.html").render()

    assert "Sorry, there is a problem with the service" in html
    assert "Sign out" not in html
    assert "govuk-service-navigation" not in html


@pytest.mark.parametrize("template", ["400.html", "403.html", "404.html"])
def test_other_error_pages_extend_the_base_template(rf, template):
    request = rf.get("/")
    request.user = AnonymousUser()

    html = render_to_string(template, request=request)

    assert '<main class="govuk-main-wrapper" id="main-content">' in html
    assert "Best value governance" in html


def test_signed_in_page_shows_the_user_sign_out_form_and_navigation(user):
    html = _render_base("/reviews/12/", user)

    assert "Catherine Foster" in html
    assert 'action="/accounts/logout/"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert '<meta name="csrf-token" content="' in html
    assert 'href="/reviews/" aria-current="true"' in html
    assert 'href="/" aria-current' not in html
    assert "/admin/" not in html


def test_navigation_marks_the_committee_dashboard_only_on_its_own_page(user):
    user.is_staff = True

    html = _render_base("/", user)

    assert 'href="/" aria-current="page"' in html
    assert html.count("aria-current") == 1
    assert 'href="/admin/"' in html


def test_signed_out_pages_have_no_navigation_or_sign_out():
    html = _render_base("/accounts/login/", AnonymousUser())

    assert "govuk-service-navigation" not in html
    assert "Sign out" not in html


@pytest.mark.parametrize("width", ["standard", "wide"])
def test_page_width_block_names_the_container_width(rf, width):
    template = engines["django"].from_string(
        '{% extends "base.html" %}{% block page_width %}' + width + "{% endblock %}"
    )
    request = rf.get("/")
    request.user = AnonymousUser()

    html = template.render({}, request)

    assert f'<div class="govuk-width-container bvgov-width-container--{width}">' in html


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/accounts/login/", "/no-such-page/"])
def test_pages_have_no_inline_script_or_event_handler(client, path):
    page = _parse(client.get(path).content.decode())

    assert page.scripts, "the base template loads its JavaScript"
    for script in page.scripts:
        assert script["attrs"].get("src"), f"inline <script> found: {script}"
        assert not script["text"].strip()
    for tag, attrs in page.attributes:
        handlers = [name for name in attrs if name.startswith("on")]
        assert not handlers, f"inline event handler on <{tag}>: {handlers}"


def test_signed_in_base_template_has_no_inline_script(user):
    page = _parse(_render_base("/", user))

    assert all(script["attrs"].get("src") and not script["text"].strip() for script in page.scripts)


@pytest.mark.django_db
def test_static_files_the_base_template_uses_exist(client, user):
    paths = _parse(client.get("/accounts/login/").content.decode()).static_paths()
    paths += _parse(_render_base("/", user)).static_paths()

    assert {"build/bvgov.css", "build/print.css", "js/bvgov.js", "htmx/htmx.min.js"} <= set(paths)
    for path in paths:
        assert finders.find(path), f"{path} is not a static file: run `make assets`"


def test_javascript_modules_imported_by_bvgov_js_exist():
    source = PurePosixPath("js/bvgov.js")
    text = Path(finders.find(str(source))).read_text(encoding="utf-8")
    imports = re.findall(r"^import .* from '([^']+)'", text, flags=re.MULTILINE)

    assert imports, "bvgov.js imports GOV.UK Frontend and MOJ Frontend"
    for relative in imports:
        path = _resolve(source.parent, relative)
        assert finders.find(path), f"bvgov.js imports {relative}, which is not a static file"


def test_images_the_stylesheet_uses_exist_and_no_font_is_loaded():
    source = PurePosixPath("build/bvgov.css")
    css = Path(finders.find(str(source))).read_text(encoding="utf-8")
    urls = re.findall(r"url\(\"?([^\")]+)\"?\)", css)

    assert urls, "MOJ Frontend's icons are referenced"
    for url in urls:
        assert not url.startswith("/"), f"{url} would not follow STATIC_URL"
        assert finders.find(_resolve(source.parent, url)), f"bvgov.css uses {url}, which is not a static file"
    assert "@font-face" not in css
    assert "GDS Transport" not in css


def _resolve(folder, relative):
    parts = []
    for part in (folder / relative).parts:
        if part == "..":
            parts.pop()
        elif part != ".":
            parts.append(part)
    return "/".join(parts)


def test_query_replace_keeps_the_other_parameters(rf):
    template = engines["django"].from_string(
        "{% load core_tags %}{% query_replace request page=3 %}|{% query_replace request page=None %}"
    )
    request = rf.get("/actions/", {"status": "blocked", "page": "2", "owner": ["1", "2"]})

    replaced, removed = template.render({}, request).split("|")

    assert replaced == "status=blocked&amp;page=3&amp;owner=1&amp;owner=2"
    assert removed == "status=blocked&amp;owner=1&amp;owner=2"


@pytest.mark.parametrize(
    "value, expected",
    [
        ("implemented", "govuk-tag--green"),
        ("complete", "govuk-tag--green"),
        ("approved", "govuk-tag--green"),
        ("green", "govuk-tag--green"),
        ("in_progress", "govuk-tag--yellow"),
        ("amber", "govuk-tag--yellow"),
        ("red", "govuk-tag--red"),
        ("blocked", "govuk-tag--red"),
        ("overdue", "govuk-tag--red"),
        ("rejected", "govuk-tag--red"),
        ("not_started", "govuk-tag--grey"),
        ("proposed", "govuk-tag--grey"),
        ("not_pursued", "govuk-tag--grey"),
        ("withdrawn", "govuk-tag--grey"),
        ("superseded", "govuk-tag--grey"),
        ("partly_accepted", "govuk-tag--orange"),
        ("Partly accepted", "govuk-tag--orange"),
        ("scoping", ""),
    ],
)
def test_status_tag_colours_a_status_by_value(value, expected):
    html = engines["django"].from_string('{% load core_tags %}{% status_tag value "Label" %}').render({"value": value})

    assert f'<strong class="govuk-tag {expected}">Label</strong>' in html


class _ExampleForm(forms.Form):
    title = forms.CharField(help_text="As written in the final report")
    priority = forms.ChoiceField(choices=[("high", "High"), ("low", "Low")], widget=forms.RadioSelect)
    due = forms.DateField()
    funded = forms.BooleanField(required=False)
    cost = forms.IntegerField(required=False, min_value=0)
    reference = forms.CharField(required=False, widget=forms.HiddenInput)
    as_at = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        raise forms.ValidationError("The plan is not approved yet.")


def test_form_field_renders_a_govuk_form_group_with_its_error():
    form = _ExampleForm({"due": "31/02/2004"})
    form.is_valid()

    title = render_to_string("partials/form_field.html", {"field": form["title"]})
    due = render_to_string("partials/form_field.html", {"field": form["due"]})
    priority = render_to_string("partials/form_field.html", {"field": form["priority"]})
    funded = render_to_string("partials/form_field.html", {"field": form["funded"]})
    cost = render_to_string("partials/form_field.html", {"field": form["cost"]})
    reference = render_to_string("partials/form_field.html", {"field": form["reference"]})
    as_at = render_to_string("partials/form_field.html", {"field": form["as_at"]})

    assert 'class="govuk-form-group govuk-form-group--error"' in title
    assert '<label class="govuk-label" for="id_title">Title</label>' in title
    assert '<div id="id_title-hint" class="govuk-hint">As written in the final report</div>' in title
    assert '<p id="id_title-error" class="govuk-error-message">' in title
    assert 'class="govuk-input govuk-input--error"' in title
    assert 'aria-describedby="id_title-hint id_title-error"' in title
    assert 'data-module="moj-date-picker"' in due
    assert 'value="31/02/2004"' in due
    assert "moj-js-datepicker-input" in due
    assert "moj-date-picker" not in as_at, "a browser's own date input needs no second calendar"
    assert '<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">Priority</legend>' in priority
    assert 'class="govuk-radios__input" id="id_priority_0"' in priority
    assert 'class="govuk-checkboxes__input"' in funded
    assert 'type="text" name="cost" inputmode="numeric"' in cost
    assert reference.strip() == '<input type="hidden" name="reference" id="id_reference">'


def test_error_summary_links_every_error_to_its_field():
    form = _ExampleForm({})
    form.is_valid()

    html = render_to_string("partials/error_summary.html", {"form": form})

    assert '<a href="#id_title">The plan is not approved yet.</a>' in html
    assert '<a href="#id_title">This field is required.</a>' in html
    assert '<a href="#id_priority_0">This field is required.</a>' in html
    assert '<a href="#id_due">This field is required.</a>' in html


def test_pagination_links_keep_the_filters(rf):
    request = rf.get("/recommendations/", {"status": "accepted", "page": "5"})
    page = Paginator(range(200), 10).page(5)

    html = render_to_string("partials/pagination.html", {"page_obj": page, "request": request})

    assert 'href="?status=accepted&amp;page=4" rel="prev"' in html
    assert 'href="?status=accepted&amp;page=6" rel="next"' in html
    assert 'aria-label="Page 5" aria-current="page"' in html
    assert 'href="?status=accepted&amp;page=20" aria-label="Page 20"' in html
    assert "govuk-pagination__item--ellipsis" in html


def test_messages_are_notification_banners(client, user):
    request = RequestFactory().get("/")
    request.user = user
    request.session = client.session
    storage = FallbackStorage(request)
    storage.add(25, "Action A3 updated.")
    storage.add(20, "Shown as at 1 April 2004.")
    request._messages = storage

    html = render_to_string("base.html", request=request)

    assert "govuk-notification-banner govuk-notification-banner--success" in html
    assert 'role="alert"' in html
    assert "Action A3 updated." in html
    assert 'class="govuk-notification-banner" role="region"' in html
    assert "Shown as at 1 April 2004." in html
