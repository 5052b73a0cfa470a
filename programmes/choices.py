from django.db import models


class BodyKind(models.TextChoices):
    AUTHORITY = "authority", "Authority"
    COMMITTEE = "committee", "Committee"
    MANAGEMENT_BOARD = "management_board", "Management board"
    PROGRAMME_BOARD = "programme_board", "Programme board"
    PROJECT_BOARD = "project_board", "Project board"
    IMPLEMENTATION_BOARD = "implementation_board", "Implementation board"
    CHALLENGE_PANEL = "challenge_panel", "Challenge panel"
    STRATEGY_BOARD = "strategy_board", "Strategy board"
    SUPPORT_TEAM = "support_team", "Support team"


class MembershipRole(models.TextChoices):
    CHAIR = "chair", "Chair"
    PROGRAMME_DIRECTOR = "programme_director", "Programme director"
    PROGRAMME_MANAGER = "programme_manager", "Programme manager"
    PROJECT_DIRECTOR = "project_director", "Project director"
    TEAM_LEADER = "team_leader", "Team leader"
    LEAD_MEMBER = "lead_member", "Lead member"
    NOMINATED_MEMBER = "nominated_member", "Nominated member"
    CHALLENGE_PANEL_MEMBER = "challenge_panel_member", "Challenge panel member"
    OFFICER_SUPPORT = "officer_support", "Officer support"
    MEMBER = "member", "Member"


class Organisation(models.TextChoices):
    AUTHORITY = "authority", "Police authority (MPA)"
    POLICE_SERVICE = "police_service", "Police service (MPS)"
    INSPECTORATE = "inspectorate", "Inspectorate"
    AUDITOR = "auditor", "Auditor"
    EXTERNAL = "external", "External"


class DecisionKind(models.TextChoices):
    SELECT_REVIEW = "select_review", "Select review"
    APPROVE_TERMS_OF_REFERENCE = "approve_terms_of_reference", "Approve terms of reference"
    APPROVE_PROJECT_PLAN = "approve_project_plan", "Approve project plan"
    APPROVE_FINAL_REPORT = "approve_final_report", "Approve final report"
    APPROVE_IMPLEMENTATION_PLAN = "approve_implementation_plan", "Approve implementation plan"
    ACCEPT_RECOMMENDATION = "accept_recommendation", "Accept recommendation"
    PARTLY_ACCEPT_RECOMMENDATION = "partly_accept_recommendation", "Partly accept recommendation"
    REJECT_RECOMMENDATION = "reject_recommendation", "Reject recommendation (not pursued)"
    APPROVE_EXTENSION = "approve_extension", "Approve extension of a target date"
    APPROVE_COMPLETION = "approve_completion", "Approve completion"
    ACCEPT_RISK = "accept_risk", "Accept the risk of not implementing a recommendation"
    NOTE = "note", "Note"


class DecisionOutcome(models.TextChoices):
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    DEFERRED = "deferred", "Deferred"
    NOTED = "noted", "Noted"


class IndicatorDirection(models.TextChoices):
    HIGHER_IS_BETTER = "higher", "Higher is better"
    LOWER_IS_BETTER = "lower", "Lower is better"


class RiskStatus(models.TextChoices):
    OPEN = "open", "Open"
    MITIGATED = "mitigated", "Mitigated"
    CLOSED = "closed", "Closed"
