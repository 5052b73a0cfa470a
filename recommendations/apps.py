from django.apps import AppConfig


class RecommendationsConfig(AppConfig):
    name = "recommendations"
    audited = True

    def ready(self):
        from programmes.decisions import register_rules
        from reviews.progress import register_progress_rules

        from .models import Action, Recommendation
        from .progress import RecommendationProgressRules
        from .workflow import ActionDecisionRules, RecommendationDecisionRules

        register_rules(Recommendation, RecommendationDecisionRules())
        register_rules(Action, ActionDecisionRules())
        register_progress_rules(RecommendationProgressRules())
