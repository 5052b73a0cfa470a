"""What the register tells the site about, for it to tell people (bvgov.notifications listens): sent inside the
service's transaction, after the change is saved with its history, so whatever a receiver writes commits or rolls
back with the change. The domain apps never import the site; the site subscribes."""

from django.dispatch import Signal

# comment: the challenge put to its subject's owner.
challenge_asked = Signal()
# comment: the challenge, now with the owner's answer.
challenge_answered = Signal()
# recommendation, verifier (a Person): an owner reports it implemented, for its verifier to check.
verification_requested = Signal()
# recommendation, accepted (bool), note, actor, reported_by (a user): the verifier's outcome, for its owner.
verification_decided = Signal()
# request (an UpdateRequest), actor: an owner asked for updates of their items before a meeting.
update_requested = Signal()
# delegation, actor: an owner names a deputy, who is told.
deputy_named = Signal()
