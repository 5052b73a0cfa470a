"""The committee pack, and each person's calendar feed of their due dates."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.views import View
from django.views.generic import TemplateView

from core.checkpoints import checkpoint_for_paper, file_line

from .calendar import active_feed, build_calendar, feed_create, feed_for_token, feed_revoke
from .pack import PackForm, committee_pack


class CommitteePackView(LoginRequiredMixin, TemplateView):
    """The six-monthly implementation update as a printable committee paper, as at any past day. Today's paper seals
    the audit trail's head in a signed checkpoint (if it moved since the last) and prints it, so that the paper
    witnesses the trail."""

    template_name = "bvgov/pack.html"

    def get_context_data(self, **kwargs):
        form = PackForm(self.request.GET or None)
        form.is_valid()
        as_at, previous, report_number = form.choices()
        pack = committee_pack(as_at=as_at, previous=previous, report_number=report_number)
        checkpoint, checkpoint_problem = checkpoint_for_paper(as_at)
        return super().get_context_data(
            form=form,
            pack=pack,
            checkpoint=checkpoint,
            checkpoint_line=file_line(checkpoint) if checkpoint else "",
            checkpoint_problem=checkpoint_problem,
            **kwargs,
        )


class CalendarFeedView(LoginRequiredMixin, TemplateView):
    """Whether the signed-in person has a calendar feed; make one (its address shown once) or revoke it."""

    template_name = "bvgov/calendar.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(feed=active_feed(user=user), has_person=hasattr(user, "person"), **kwargs)

    def post(self, request, *args, **kwargs):
        token = feed_create(user=request.user)
        feed_url = request.build_absolute_uri(reverse("calendar_ics", kwargs={"token": token}))
        # Rendered, not redirected: the address must not be kept anywhere (a session, a message) to show it again.
        response = self.render_to_response(self.get_context_data(feed_url=feed_url))
        add_never_cache_headers(response)
        patch_cache_control(response, no_store=True)
        return response


class CalendarFeedRevokeView(LoginRequiredMixin, View):
    """Stop the signed-in person's calendar address working."""

    def post(self, request, *args, **kwargs):
        if feed_revoke(user=request.user):
            messages.success(request, "Your calendar feed is revoked. Its address no longer works.")
        return redirect("calendar")


class CalendarFeedIcsView(View):
    """The feed itself. No sign-in: the token in the address is the credential, so a wrong one is simply not found."""

    def get(self, request, *args, token, **kwargs):
        feed = feed_for_token(token)
        if feed is None:
            raise Http404("No such calendar.")
        person = getattr(feed.user, "person", None)
        body = build_calendar(person=person, absolute_url=request.build_absolute_uri)
        response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = 'inline; filename="bvgov-due-dates.ics"'
        patch_cache_control(response, private=True, no_store=True)
        response["X-Robots-Tag"] = "noindex"
        return response
