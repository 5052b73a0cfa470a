"""`manage.py send_reminders`: the daily reminder digests, for cron. Safe to run more than once a day."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from bvgov.notifications import (
    RISK_REVIEW_NOTICE_DAYS,
    escalate_overdue,
    remind_risk_reviews,
    remind_update_rounds,
)
from bvgov.reminders import send_reminders


class Command(BaseCommand):
    help = (
        "Email each action owner a digest of their actions overdue or due in the next 14 days, and each board's "
        "chair a digest of the overdue actions of the board's reviews, and tell the owner and programme manager of "
        f"each accepted risk due for review within {RISK_REVIEW_NOTICE_DAYS} days, and remind owners who have not "
        "responded to an update round 7 days and 1 day before its respond-by date, and escalate overdue actions to "
        "the owner's line manager and then the accountable board's chair. A digest already sent that day is "
        "not sent again. A digest that cannot be sent fails alone, with its reason, and is not recorded as sent; the "
        "command then exits non-zero."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--date",
            help="The day to remind as of, as YYYY-MM-DD (default: today). Overdue and due soon are counted from it.",
        )

    def handle(self, *args, date: str | None, **options):
        try:
            today = datetime.date.fromisoformat(date) if date else timezone.localdate()
        except ValueError as error:
            raise CommandError(f"--date must be a date as YYYY-MM-DD, not {date!r}.") from error
        told = remind_risk_reviews(today=today)
        reminded = remind_update_rounds(today=today)
        escalated = escalate_overdue(today=today)
        run = send_reminders(today=today)
        self.stdout.write(str(run))
        if told:
            self.stdout.write(f"{told} told of an accepted risk due for review.")
        if reminded:
            self.stdout.write(f"{reminded} reminded to respond to an update round.")
        if escalated:
            self.stdout.write(f"{escalated} told of an overdue action escalated to them.")
        if run.failed:
            for reason in run.failed:
                self.stderr.write(f"Digest {reason}")
            raise CommandError(f"{len(run.failed)} digest{'' if len(run.failed) == 1 else 's'} not sent (see above).")
