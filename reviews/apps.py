from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "reviews"
    audited = True

    def ready(self):
        from programmes.decisions import register_rules

        from .models import Review
        from .workflow import ReviewDecisionRules

        register_rules(Review, ReviewDecisionRules())
