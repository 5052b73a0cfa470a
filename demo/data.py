"""What the demo register holds, taken from the five public reports in the design seeds; loader.py writes it.

Every record names the report it comes from (`cite`) and the day its history row is dated (`on`): the day the
report records the fact. A fact a report dates only by month is dated the last day of that month, the latest day the
report allows, so the register "as at" a past date never shows it early. Where a report names a role and not a
person, the Person's name is the role; no personal name is invented. Where a report gives no figure, none is given.
"""

from datetime import date

from bvgov import roles
from programmes.choices import BodyKind, DecisionKind, DecisionOutcome, IndicatorDirection, MembershipRole
from programmes.choices import Organisation as Org
from recommendations.choices import ActionStatus, DecisionStatus, ImplementationStatus, SourceKind
from reviews.choices import AuditOpinion, Inspectorate, ProspectsJudgement, ReviewKind, ReviewStage, ServiceJudgement

REPORT_2000 = "Management arrangements for best value, FPBV 19 September 2000 (report 10)"
REPORT_CONSULTATION = "Best Value Review of Consultation – year one report, 14 March 2002 (report 12)"
REPORT_DA = "District Audit action plan, PPRC 8 May 2003 (report 7)"
REPORT_HMIC = "HMIC Best Value Review inspection report, Managing Demand, January 2004"
REPORT_2005 = "Joint report on service review, corporate strategy and Together, MPA 29 September 2005 (report 8a)"

ON_2000 = date(2000, 9, 19)
ON_CONSULTATION_FINAL = date(2001, 3, 8)
ON_CONSULTATION = date(2002, 3, 14)
ON_DA = date(2003, 5, 8)
MD_START = date(2002, 7, 1)
# "Presented and approved by the MPA in May 2003" (HMIC 3.2.3): the month's last day, as above.
MD_APPROVED = date(2003, 5, 31)
# HMIC 4.2.3: implementation began "once the BVR was approved"; no day is given, so the day after the approval month.
MD_IMPLEMENTING = date(2003, 6, 1)
HMIC_FIELDWORK_START = date(2004, 1, 26)
HMIC_FIELDWORK_END = date(2004, 1, 30)
HMIC_PUBLISHED = date(2004, 1, 31)
# HMIC 3.2.8 found one recommendation implemented by the inspection but says neither which nor when: the latest day
# the report allows is the day before fieldwork began.
MD_ONE_IMPLEMENTED = date(2004, 1, 25)
ON_2005 = date(2005, 9, 29)

DEMO_ADMIN = "admin"

# One account per role, in the role groups of bvgov.roles (which also gives each group its permissions).
ROLES = (
    {"username": "member", "group": roles.MEMBER, "person": "lead_member"},
    {"username": "manager", "group": roles.PROGRAMME_MANAGER, "person": "programme_manager"},
    {"username": "owner", "group": roles.ACTION_OWNER, "person": "md_chief_inspector"},
    {"username": "inspector", "group": roles.INSPECTOR, "person": "hmic_officer"},
    {"username": DEMO_ADMIN, "group": roles.ADMINISTRATOR, "person": None, "superuser": True},
)

PEOPLE = {
    # Named in the reports.
    "derrick_norton": {
        "name": "Derrick Norton",
        "job_title": "MPA officer; author of report 10, Management arrangements for best value",
        "organisation": Org.AUTHORITY,
        "on": ON_2000,
        "cite": REPORT_2000,
    },
    "toby_harris": {
        "name": "Toby Harris",
        "job_title": "Chair of the Metropolitan Police Authority",
        "organisation": Org.AUTHORITY,
        "on": ON_CONSULTATION,
        "cite": REPORT_CONSULTATION,
    },
    "jude_sequeira": {
        "name": "Jude Sequeira",
        "job_title": "CDO Unit, MPA",
        "organisation": Org.AUTHORITY,
        "on": ON_CONSULTATION,
        "cite": REPORT_CONSULTATION,
    },
    "julia_smith": {
        "name": "Julia Smith",
        "job_title": "CDO Unit, MPA",
        "organisation": Org.AUTHORITY,
        "on": ON_CONSULTATION,
        "cite": REPORT_CONSULTATION,
    },
    "john_zlotnicki": {
        "name": "John Zlotnicki",
        "job_title": "Director, MPS Corporate Planning Group",
        "organisation": Org.POLICE_SERVICE,
        "on": ON_DA,
        "cite": REPORT_DA,
    },
    "ronnie_flanagan": {
        "name": "Sir Ronnie Flanagan",
        "job_title": "HM Inspector of Constabulary",
        "organisation": Org.INSPECTORATE,
        "on": HMIC_FIELDWORK_START,
        "cite": REPORT_HMIC,
    },
    "michael_debens": {
        "name": "Michael Debens",
        "job_title": "MPS Service Review Team",
        "organisation": Org.POLICE_SERVICE,
        "on": ON_2005,
        "cite": REPORT_2005,
    },
    "stephen_rimmer": {
        "name": "Stephen Rimmer",
        "job_title": "Seconded from the Home Office to co-ordinate the corporate strategy and change programme",
        "organisation": Org.POLICE_SERVICE,
        "on": ON_2005,
        "cite": REPORT_2005,
    },
    "tim_godwin": {
        "name": "Tim Godwin",
        "job_title": "Assistant Commissioner, MPS",
        "organisation": Org.POLICE_SERVICE,
        "on": ON_2005,
        "cite": REPORT_2005,
    },
    "andy_hayman": {
        "name": "Andy Hayman",
        "job_title": "Assistant Commissioner, MPS",
        "organisation": Org.POLICE_SERVICE,
        "on": ON_2005,
        "cite": REPORT_2005,
    },
    "martin_tiplady": {
        "name": "Martin Tiplady",
        "job_title": "Director of Human Resources, MPS",
        "organisation": Org.POLICE_SERVICE,
        "on": ON_2005,
        "cite": REPORT_2005,
    },
    "richard_bryan": {
        "name": "Richard Bryan",
        "job_title": "Deputy Assistant Commissioner, MPS",
        "organisation": Org.POLICE_SERVICE,
        "on": ON_2005,
        "cite": REPORT_2005,
    },
    "tarique_ghaffur": {
        "name": "Tarique Ghaffur",
        "job_title": "Assistant Commissioner, MPS",
        "organisation": Org.POLICE_SERVICE,
        "on": ON_2005,
        "cite": REPORT_2005,
    },
    "alan_brown": {
        "name": "Alan Brown",
        "job_title": "Assistant Commissioner, MPS",
        "organisation": Org.POLICE_SERVICE,
        "on": ON_2005,
        "cite": REPORT_2005,
    },
    "stephen_house": {
        "name": "Stephen House",
        "job_title": "Assistant Commissioner, MPS",
        "organisation": Org.POLICE_SERVICE,
        "on": ON_2005,
        "cite": REPORT_2005,
    },
    "rose_fitzpatrick": {
        "name": "Rose Fitzpatrick",
        "job_title": "Deputy Assistant Commissioner, MPS (citizen focus)",
        "organisation": Org.POLICE_SERVICE,
        "on": ON_2005,
        "cite": REPORT_2005,
    },
    # Named only by role in the reports.
    "commissioner": {
        "name": "Commissioner",
        "job_title": "Commissioner, MPS",
        "organisation": Org.POLICE_SERVICE,
        "on": ON_2000,
        "cite": REPORT_2000,
    },
    "deputy_commissioner": {
        "name": "Deputy Commissioner",
        "job_title": "Deputy Commissioner, MPS",
        "organisation": Org.POLICE_SERVICE,
        "on": ON_2000,
        "cite": REPORT_2000,
    },
    "lead_member": {
        "name": "Lead member for best value",
        "job_title": "Member of the MPA with specific responsibilities for best value",
        "organisation": Org.AUTHORITY,
        "on": ON_2000,
        "cite": REPORT_2000,
    },
    "programme_manager": {
        "name": "Programme Manager",
        "job_title": "Programme Manager, Best Value Programme Support Team",
        "organisation": Org.POLICE_SERVICE,
        "on": ON_2000,
        "cite": REPORT_2000,
    },
    "csmb_chair": {
        "name": "CDO Committee member chairing the CSMB",
        "job_title": "Member of the MPA CDO Committee; chair of the Consultation Strategy Management Board",
        "organisation": Org.AUTHORITY,
        "on": ON_CONSULTATION,
        "cite": REPORT_CONSULTATION,
    },
    "head_icg": {
        "name": "Head of the Internal Consultancy Group",
        "job_title": "Head, Internal Consultancy Group, MPS",
        "organisation": Org.POLICE_SERVICE,
        "on": ON_DA,
        "cite": REPORT_DA,
    },
    "director_risk": {
        "name": "Director of Risk Management",
        "job_title": "Director of Risk Management, MPS",
        "organisation": Org.POLICE_SERVICE,
        "on": ON_DA,
        "cite": REPORT_DA,
    },
    "head_ilau": {
        "name": "Head of the Inspection Liaison and Analysis Unit",
        "job_title": "Head, Inspection Liaison and Analysis Unit (ILAU), MPS",
        "organisation": Org.POLICE_SERVICE,
        "on": ON_DA,
        "cite": REPORT_DA,
    },
    "md_dac": {
        "name": "MPS Deputy Assistant Commissioner",
        "job_title": "Deputy Assistant Commissioner, MPS; first chair of the Managing Demand project board",
        "organisation": Org.POLICE_SERVICE,
        "on": MD_START,
        "cite": REPORT_HMIC,
    },
    "md_commander": {
        "name": "MPS Commander",
        "job_title": "Commander, MPS; chair of the Managing Demand project board after its first chair",
        "organisation": Org.POLICE_SERVICE,
        "on": MD_START,
        "cite": REPORT_HMIC,
    },
    "md_member": {
        "name": "MPA member on the Managing Demand project board",
        "job_title": "Member of the Metropolitan Police Authority",
        "organisation": Org.AUTHORITY,
        "on": MD_START,
        "cite": REPORT_HMIC,
    },
    "md_project_manager": {
        "name": "Managing Demand review project manager",
        "job_title": "Chief Superintendent, MPS; project manager of the Managing Demand review",
        "organisation": Org.POLICE_SERVICE,
        "on": MD_START,
        "cite": REPORT_HMIC,
    },
    "md_chief_inspector": {
        "name": "Chief Inspector, Managing Demand implementation",
        "job_title": "Chief Inspector, MPS; seconded to lead implementation of the Managing Demand recommendations",
        "organisation": Org.POLICE_SERVICE,
        # The demo's assumption, for the escalation ladder: the report names no line manager.
        "reports_to": "md_lead_officer",
        "on": MD_START,
        "cite": REPORT_HMIC,
    },
    "md_lead_officer": {
        "name": "Lead officer, Managing Demand implementation",
        "job_title": "MPS lead officer; chair of the Managing Demand Implementation Project Board",
        "organisation": Org.POLICE_SERVICE,
        "on": MD_IMPLEMENTING,
        "cite": REPORT_HMIC,
    },
    "hmic_officer": {
        "name": "HMIC inspection team member",
        "job_title": "Inspection staff, HM Inspectorate of Constabulary (Managing Demand inspection)",
        "organisation": Org.INSPECTORATE,
        "on": HMIC_FIELDWORK_START,
        "cite": REPORT_HMIC,
    },
}

# Parents come before the bodies that report to them.
BODIES = {
    "mpa": {
        "name": "Metropolitan Police Authority",
        "short_name": "MPA",
        "kind": BodyKind.AUTHORITY,
        "reports_to": None,
        "terms_of_reference": (
            "Responsible for securing best value: 'to secure continuous improvements in the way its functions are "
            "exercised having regard to a combination of economy, efficiency and effectiveness' (report 10, para 1). "
            "It has 23 members, one member having specific responsibilities for Best Value (HMIC 1.4.1)."
        ),
        "on": ON_2000,
        "cite": REPORT_2000,
    },
    "fpbv": {
        "name": "Finance, Planning and Best Value Committee",
        "short_name": "FPBV",
        "kind": BodyKind.COMMITTEE,
        "reports_to": "mpa",
        "terms_of_reference": (
            "Undertakes an 'executive management' role on behalf of the Authority and provides leadership, strategic "
            "direction and oversight of best value (report 10, para 8), by developing and monitoring the Best Value "
            "Performance Plan plus its associated programme of best value reviews (para 10)."
        ),
        "on": ON_2000,
        "cite": REPORT_2000,
    },
    "programme_board": {
        "name": "Best Value Programme Board",
        "short_name": "Programme Board",
        "kind": BodyKind.PROGRAMME_BOARD,
        "reports_to": "fpbv",
        "terms_of_reference": (
            "Chaired by the Deputy Commissioner as Programme Director and reporting to the FPBV Committee; "
            "integrates and replaces the MPS Steering Group and MPS Programme Board (report 10, para 8). 'The "
            "Programme Board would look to approve project plans for BVRs, monitor progress and approve completion. "
            "The Programme Board would also oversee general consultation with staff associations about best value.' "
            "(para 11)"
        ),
        "on": ON_2000,
        "cite": REPORT_2000,
    },
    "support_team": {
        "name": "Best Value Programme Support Team",
        "short_name": "Programme Support Team",
        "kind": BodyKind.SUPPORT_TEAM,
        "reports_to": "programme_board",
        "terms_of_reference": (
            "'Work to support all BVRs and other work related to best value in general is undertaken by a "
            "'Programme Support Team' under the direction of a 'Programme Manager' reporting to the Programme "
            "Board'; it integrates the existing 'Core Team' (report 10, para 8)."
        ),
        "on": ON_2000,
        "cite": REPORT_2000,
    },
    "management_board": {
        "name": "MPS Management Board",
        "short_name": "Management Board",
        "kind": BodyKind.MANAGEMENT_BOARD,
        "reports_to": None,
        "terms_of_reference": (
            "'Within the MPS, the Management Board, chaired by the Commissioner, sanctions the Best Value programme, "
            "its terms of reference, improvement plans and all completed BVRs before submission to the MPA.' "
            "(HMIC 1.4.3) Its members chair the BVR Project Boards as Project Directors (report 10, para 8)."
        ),
        "on": ON_2000,
        "cite": REPORT_2000,
    },
    "cdo": {
        "name": "Consultation, Diversity and Outreach Committee",
        "short_name": "CDO",
        "kind": BodyKind.COMMITTEE,
        "reports_to": "mpa",
        "terms_of_reference": (
            "The Authority asked that CDO Committee take forward developments of the recommendations of the Best "
            "Value Review of Consultation and refer these back to the Authority as appropriate (report 12, para 2)."
        ),
        "on": ON_CONSULTATION_FINAL,
        "cite": REPORT_CONSULTATION,
    },
    "csmb": {
        "name": "Consultation Strategy Management Board",
        "short_name": "CSMB",
        "kind": BodyKind.STRATEGY_BOARD,
        "reports_to": "cdo",
        "terms_of_reference": (
            "Proposed by report 12 (14 March 2002) to oversee the MPA and MPS consultation activities. Its purpose "
            "should be to:\n"
            "- Oversee the development and implementation of the action plan and the consultation strategy.\n"
            "- Approve the consultation strategy and planning of all major consultation at a strategic level such as "
            "the annual policing priorities.\n"
            "- Take an overview of the consultation undertaken at borough level, including the financial cost of "
            "such consultation.\n"
            "- Review the results of consultation undertaken to inform the policing plan before forwarding to the "
            "planning panel.\n"
            "- Ensure that best value is achieved from various consultation initiatives by agreeing clear "
            "consultation performance measures and targets.\n"
            "The membership should comprise both MPA and MPS and be chaired by a member of the CDO Committee "
            "(paras 7–8)."
        ),
        "on": ON_CONSULTATION,
        "cite": REPORT_CONSULTATION,
    },
    "pprc": {
        "name": "Planning, Performance and Review Committee",
        "short_name": "PPRC",
        "kind": BodyKind.COMMITTEE,
        "reports_to": "mpa",
        "terms_of_reference": (
            "Selects and approves all BVRs, the final reports and their implementation plans; each year the MPA "
            "approves two BVRs (HMIC 1.4.2). 'The PPRC meets monthly and examines a range of issues - not least of "
            "which is MPS performance. Best Value forms part of the agenda of this meeting. Updates of the "
            "implementation plan for the Managing Demand BVR are discussed every six months.' (HMIC 4.2.4)"
        ),
        "on": ON_DA,
        "cite": REPORT_DA,
    },
    "md_project_board": {
        "name": "Managing Demand Best Value Project Board",
        "short_name": "BVPB",
        "kind": BodyKind.PROJECT_BOARD,
        "reports_to": "programme_board",
        "terms_of_reference": (
            "'The project board had responsibility for overseeing and managing the BVR and met every 4/5 weeks "
            "during the review period.' It was initially chaired by an MPS Deputy Assistant Commissioner, and "
            "thereafter by an MPS Commander; one MPA member was appointed to it (HMIC 2.3.5–2.3.6)."
        ),
        "on": MD_START,
        "cite": REPORT_HMIC,
    },
    "md_challenge_panel": {
        "name": "Independent Challenge Panel for Managing Demand",
        "short_name": "ICP",
        "kind": BodyKind.CHALLENGE_PANEL,
        "reports_to": None,
        "terms_of_reference": (
            "'The panel - which met monthly during the BVR - acted as a 'critical friend' to the review team.' "
            "(HMIC 2.3.7) It 'comprised a broad section of professionals with an interest/expertise in the subject "
            "matter' (4.1.2). 'ICP involvement concluded after the MPA approved the BVR' (4.2.3)."
        ),
        "on": MD_START,
        "cite": REPORT_HMIC,
    },
    "md_implementation_board": {
        "name": "Managing Demand Implementation Project Board",
        "short_name": "Implementation Project Board",
        "kind": BodyKind.IMPLEMENTATION_BOARD,
        "reports_to": "pprc",
        "terms_of_reference": (
            "'Once the BVR was approved, the MPS commenced Implementation Project Board meetings. These meetings, "
            "held on a monthly basis, are chaired by the lead officer, and updated by the chief inspector in a "
            "similar manner to PPRC meetings.' (HMIC 4.2.3) The chief inspector reports progress to the PPRC on the "
            "lead officer's behalf (4.2.2)."
        ),
        "on": MD_IMPLEMENTING,
        "cite": REPORT_HMIC,
    },
    "sr_project_board": {
        "name": "Service Review Project Board",
        "short_name": "",
        "kind": BodyKind.PROJECT_BOARD,
        "reports_to": None,
        "terms_of_reference": (
            "A project board with external representation, to which the emerging findings of the joint MPS/MPA "
            "Service Review were regularly presented (report 8a, para 17)."
        ),
        "on": ON_2005,
        "cite": REPORT_2005,
    },
    "sr_team": {
        "name": "MPS Service Review Team",
        "short_name": "",
        "kind": BodyKind.SUPPORT_TEAM,
        "reports_to": "sr_project_board",
        "terms_of_reference": "The team that carried out the joint MPS/MPA Service Review (report 8a).",
        "on": ON_2005,
        "cite": REPORT_2005,
    },
}

MB_LEAD_NOTE = "Assigned MPS Management Board lead for Service Review proposals (report 8a, para 31)."

MEMBERSHIPS = (
    {
        "person": "deputy_commissioner",
        "body": "programme_board",
        "role": MembershipRole.CHAIR,
        "notes": "Chairs the Board as 'Programme Director' (report 10, para 8).",
        "on": ON_2000,
        "cite": REPORT_2000,
    },
    {
        "person": "deputy_commissioner",
        "body": "programme_board",
        "role": MembershipRole.PROGRAMME_DIRECTOR,
        "notes": "Provides leadership, direction and oversight of the programme (report 10, Appendix B).",
        "on": ON_2000,
        "cite": REPORT_2000,
    },
    {
        "person": "lead_member",
        "body": "fpbv",
        "role": MembershipRole.LEAD_MEMBER,
        "notes": "The Committee's lead Member for best value (report 10, para 8).",
        "on": ON_2000,
        "cite": REPORT_2000,
    },
    {
        "person": "lead_member",
        "body": "programme_board",
        "role": MembershipRole.LEAD_MEMBER,
        "notes": "Acts as the FPBV Committee's representative on the Best Value Programme Board (report 10, para 11).",
        "on": ON_2000,
        "cite": REPORT_2000,
    },
    {
        "person": "programme_manager",
        "body": "support_team",
        "role": MembershipRole.PROGRAMME_MANAGER,
        "notes": "Directs the Programme Support Team (report 10, para 8).",
        "on": ON_2000,
        "cite": REPORT_2000,
    },
    {
        "person": "programme_manager",
        "body": "programme_board",
        "role": MembershipRole.PROGRAMME_MANAGER,
        "notes": "Reports to the Programme Board (report 10, Appendix B).",
        "on": ON_2000,
        "cite": REPORT_2000,
    },
    {
        "person": "derrick_norton",
        "body": "fpbv",
        "role": MembershipRole.OFFICER_SUPPORT,
        "notes": "Author of report 10 to the Committee, 19 September 2000.",
        "on": ON_2000,
        "cite": REPORT_2000,
    },
    {
        "person": "toby_harris",
        "body": "mpa",
        "role": MembershipRole.CHAIR,
        "notes": "Chair of the MPA (report 12, para 22).",
        "on": ON_CONSULTATION,
        "cite": REPORT_CONSULTATION,
    },
    {
        "person": "csmb_chair",
        "body": "csmb",
        "role": MembershipRole.CHAIR,
        "notes": "Proposed: the board should be 'chaired by a member of the CDO Committee' (report 12, para 8); "
        "the report names no one.",
        "on": ON_CONSULTATION,
        "cite": REPORT_CONSULTATION,
    },
    {
        "person": "csmb_chair",
        "body": "cdo",
        "role": MembershipRole.MEMBER,
        "notes": "",
        "on": ON_CONSULTATION,
        "cite": REPORT_CONSULTATION,
    },
    {
        "person": "jude_sequeira",
        "body": "cdo",
        "role": MembershipRole.OFFICER_SUPPORT,
        "notes": "Co-author of report 12 (14 March 2002).",
        "on": ON_CONSULTATION,
        "cite": REPORT_CONSULTATION,
    },
    {
        "person": "julia_smith",
        "body": "cdo",
        "role": MembershipRole.OFFICER_SUPPORT,
        "notes": "Co-author of report 12 (14 March 2002).",
        "on": ON_CONSULTATION,
        "cite": REPORT_CONSULTATION,
    },
    {
        "person": "md_dac",
        "body": "md_project_board",
        "role": MembershipRole.CHAIR,
        "start_date": MD_START,
        "notes": "Initially chaired the board (HMIC 2.3.5); the report does not say when the chair changed.",
        "on": MD_START,
        "cite": REPORT_HMIC,
    },
    {
        "person": "md_commander",
        "body": "md_project_board",
        "role": MembershipRole.CHAIR,
        "notes": "Chaired the board after its first chair (HMIC 2.3.5).",
        "on": MD_START,
        "cite": REPORT_HMIC,
    },
    {
        "person": "md_member",
        "body": "md_project_board",
        "role": MembershipRole.NOMINATED_MEMBER,
        "start_date": MD_START,
        "end_date": MD_APPROVED,
        "notes": "After approval the member's involvement 'became limited to PPRC meetings' (HMIC 4.2.3).",
        "on": MD_START,
        "cite": REPORT_HMIC,
    },
    {
        "person": "md_project_manager",
        "body": "md_project_board",
        "role": MembershipRole.TEAM_LEADER,
        "start_date": MD_START,
        "end_date": MD_APPROVED,
        "notes": "The Force appointed a project manager (chief superintendent) to the review (HMIC 2.3.3).",
        "on": MD_START,
        "cite": REPORT_HMIC,
    },
    {
        "person": "md_lead_officer",
        "body": "md_implementation_board",
        "role": MembershipRole.CHAIR,
        "start_date": MD_IMPLEMENTING,
        "notes": "",
        "on": MD_IMPLEMENTING,
        "cite": REPORT_HMIC,
    },
    {
        "person": "md_chief_inspector",
        "body": "md_implementation_board",
        "role": MembershipRole.MEMBER,
        "start_date": MD_IMPLEMENTING,
        "notes": (
            "Remained on secondment for the implementation phase; updates the board and the PPRC (HMIC 4.2.2–4.2.3)."
        ),
        "on": MD_IMPLEMENTING,
        "cite": REPORT_HMIC,
    },
    {
        "person": "lead_member",
        "body": "pprc",
        "role": MembershipRole.LEAD_MEMBER,
        "notes": "'The member sits on the Planning Performance and Review Committee (PPRC)' (HMIC 1.4.2).",
        "on": HMIC_FIELDWORK_END,
        "cite": REPORT_HMIC,
    },
    {
        "person": "commissioner",
        "body": "management_board",
        "role": MembershipRole.CHAIR,
        "notes": "",
        "on": HMIC_FIELDWORK_END,
        "cite": REPORT_HMIC,
    },
    *(
        {
            "person": person,
            "body": "management_board",
            "role": MembershipRole.MEMBER,
            "notes": MB_LEAD_NOTE,
            "on": ON_2005,
            "cite": REPORT_2005,
        }
        for person in (
            "tim_godwin",
            "andy_hayman",
            "martin_tiplady",
            "richard_bryan",
            "stephen_rimmer",
            "tarique_ghaffur",
            "alan_brown",
            "stephen_house",
        )
    ),
    {
        "person": "michael_debens",
        "body": "sr_team",
        "role": MembershipRole.MEMBER,
        "notes": "Author of report 8a (29 September 2005).",
        "on": ON_2005,
        "cite": REPORT_2005,
    },
)

PROGRAMMES = {
    "bvp-2000-01": {
        "name": "Best Value Programme 2000/01",
        "description": (
            "The Authority's programme of best value reviews under the management arrangements of report 10: the "
            "FPBV Committee as executive; a Best Value Programme Board chaired by the Deputy Commissioner as "
            "Programme Director; a Programme Support Team under a Programme Manager; one BVR Project Board per "
            "review, chaired by a member of MPS Management Board as Project Director, with a nominated Member."
        ),
        "start_date": date(2000, 4, 1),
        "end_date": date(2001, 3, 31),
        "executive_body": "fpbv",
        "programme_board": "programme_board",
        "director": "deputy_commissioner",
        "manager": "programme_manager",
        "on": ON_2000,
        "cite": REPORT_2000,
    },
    "bvp-2002-03": {
        "name": "Best Value Programme 2002/03",
        "description": (
            "The review programme that included the Best Value Review of Managing Demand (July 2002 – May 2003), "
            "and whose Policing and Performance Plan District Audit reported on in December 2002."
        ),
        "start_date": date(2002, 4, 1),
        "end_date": date(2003, 3, 31),
        "executive_body": "fpbv",
        "programme_board": "programme_board",
        "director": "deputy_commissioner",
        "manager": "programme_manager",
        "on": MD_START,
        "cite": REPORT_HMIC,
        "changes": (
            {
                "on": ON_DA,
                "fields": {"executive_body": "pprc"},
                "reason": (
                    "By May 2003 the PPRC selects and approves all BVRs, their final reports and implementation plans "
                    "(HMIC 1.4.2) and receives the District Audit action plan (PPRC 8 May 2003, report 7); the 2000 "
                    "arrangements had given this executive role to the FPBV Committee. The reports do not say when it "
                    "passed, so the register records it from the first report that shows it."
                ),
            },
        ),
    },
    "cssr-2006-2009": {
        "name": "Corporate Strategy and Service Review 2006–2009",
        "description": (
            "The 2006-2009 Corporate Strategy and the proposals of the joint MPS/MPA Service Review, integrated in "
            "'one coherent, overarching programme' (report 8a, para 42) towards the mission 'Working together for a "
            "safer London'. Stephen Rimmer co-ordinates the implementation of the corporate strategy and the "
            "associated change programme (para 45)."
        ),
        "start_date": date(2006, 4, 1),
        "end_date": date(2009, 3, 31),
        "executive_body": "mpa",
        "programme_board": "management_board",
        "director": None,
        "manager": "stephen_rimmer",
        "on": ON_2005,
        "cite": REPORT_2005,
    },
}

# Report 8a, paras 8 and 9, verbatim and in the report's order.
PRIORITIES = {
    "cssr-2006-2009": (
        "Counter Terrorism, Protection & Security",
        "Safer Neighbourhoods",
        "Organised Criminal Networks",
        "Capital City Policing",
        "Citizen Focus",
        "Together",
        "Information Quality",
    )
}
OUTCOMES = {
    "cssr-2006-2009": (
        "Communities are engaged with, confident in and satisfied with our service",
        "Safety and security is improved and the public feel reassured",
        "Crime, disorder, vulnerability and harm are prevented and reduced",
        "More offenders are brought to justice",
    )
}
PSA_NOTE = (
    "'A significant part of our success in the longer term will be the ability to achieve a reduction in crime, an "
    "increase in the number of offences brought to justice and an increase in public confidence (all measures relate "
    "to Government Public Service Agreements).' (report 8a, para 7) The code is the demo's label; the report gives "
    "neither codes nor figures."
)

INDICATORS = (
    {
        "code": "BVPI-FRONT-COUNTER",
        "name": "Satisfaction with front counter services",
        "unit": "",
        "direction": IndicatorDirection.HIGHER_IS_BETTER,
        "description": (
            "'Prior to April 2001, national Best Value performance indicators (BVPIs) measured satisfaction with "
            "front counter services. This BVPI has now been removed.' The Managing Demand review analysed its data "
            "and found 'a downward trend in satisfaction levels and performance during the period 1998 – 2001' "
            "(HMIC 3.3.3). The code is the demo's label; the report gives no BVPI number and no figures."
        ),
        "programme": "bvp-2000-01",
        "outcomes": (),
        "on": HMIC_PUBLISHED,
        "cite": REPORT_HMIC,
    },
    {
        "code": "PSA-CRIME",
        "name": "Reduction in crime",
        "unit": "",
        "direction": IndicatorDirection.LOWER_IS_BETTER,
        "description": PSA_NOTE,
        "programme": "cssr-2006-2009",
        "outcomes": (3,),
        "on": ON_2005,
        "cite": REPORT_2005,
    },
    {
        "code": "PSA-OBTJ",
        "name": "Offences brought to justice",
        "unit": "",
        "direction": IndicatorDirection.HIGHER_IS_BETTER,
        "description": PSA_NOTE,
        "programme": "cssr-2006-2009",
        "outcomes": (4,),
        "on": ON_2005,
        "cite": REPORT_2005,
    },
    {
        "code": "PSA-CONFIDENCE",
        "name": "Public confidence",
        "unit": "",
        "direction": IndicatorDirection.HIGHER_IS_BETTER,
        "description": PSA_NOTE,
        "programme": "cssr-2006-2009",
        "outcomes": (1,),
        "on": ON_2005,
        "cite": REPORT_2005,
    },
)

SCORES_NOTE = "Likelihood and impact are the demo's scores, not the report's: the report gives none."

# Report 8a, section C (race and equality impact) and para 38.
RISKS = (
    {
        "programme": "cssr-2006-2009",
        "reference": "R1",
        "title": "Capacity to deliver the change programme within the timescales, and failure to consult widely enough",
        "description": (
            "'Much feedback has been about the ability of the MPS to deliver such a wide-ranging change programme "
            "within the timescales being discussed. In particular such pressures may result in failures to consult "
            "and involve a wide enough breadth of people to fully understand the impact of what is being proposed. "
            "This is a significant risk as the detail of the change is where disproportionate outcomes may be driven "
            f"by poorly considered ideas.' (section C)\n\n{SCORES_NOTE}"
        ),
        "likelihood": 3,
        "impact": 4,
        "owner": None,
        "mitigation": (
            "'A consultation strategy is being developed for this co-ordinated planning programme that will bring "
            "together the ideas and feedback from staff and community groups on the ideas developed to date.' "
            "(para 46)"
        ),
    },
    {
        "programme": "cssr-2006-2009",
        "reference": "R2",
        "title": "A poorly designed service may not be accessible to all members of society",
        "description": (
            "'These proposals will touch almost every piece of service delivery and every member of staff. ... when "
            "the aims are so high there are potential issues that need careful management. Firstly a poorly designed "
            f"service may not be accessible to all members of society.' (section C)\n\n{SCORES_NOTE}"
        ),
        "likelihood": 3,
        "impact": 3,
        "owner": None,
        "mitigation": "",
    },
    {
        "programme": "cssr-2006-2009",
        "reference": "R3",
        "title": "The expectations for improvement may exceed what can be delivered",
        "description": (
            "'Secondly the expectations for improvement may exceed what can be delivered.' (section C)\n\n"
            f"{SCORES_NOTE}"
        ),
        "likelihood": 3,
        "impact": 3,
        "owner": None,
        "mitigation": "",
    },
    {
        "programme": "cssr-2006-2009",
        "reference": "R4",
        "title": "The definition of Citizen may exclude vulnerable groups",
        "description": (
            "'Thirdly the definition of Citizen may be subject to debate and care needs to ensure that we do not "
            f"exclude vulnerable groups.' (section C)\n\n{SCORES_NOTE}"
        ),
        "likelihood": 3,
        "impact": 3,
        "owner": None,
        "mitigation": "",
    },
    {
        "programme": "cssr-2006-2009",
        "reference": "R5",
        "title": "Budget shortfall of £26 million for 2006/07",
        "description": (
            "The MPA Finance Committee was told that 'a Management Board review of the position on 5 September had "
            "established that following remedial action to reduce growth bids and secure savings targets from "
            "business groups of £70 million, this shortfall had been reduced to £26 million.' (para 38)\n\n"
            f"{SCORES_NOTE}"
        ),
        "likelihood": 3,
        "impact": 4,
        "owner": "deputy_commissioner",
        "mitigation": (
            "'A further review is currently being led by the Deputy Commissioner to challenge the increased "
            "commitments and overspending budgets and assess the opportunity for further savings.' (para 39)"
        ),
    },
)
RISKS_ON = ON_2005
RISKS_CITE = REPORT_2005

MD_SCOPE = (
    "'The review was commissioned by the MPA in order to improve the MPS response to increasing and competing "
    "service demands.' (HMIC 2.2.1) 'The BVR set out to examine demand from the customer's perspective.' (2.2.4) "
    "Initially approved to examine both Managing Demand and Operational Support, it was split at an early stage, "
    "Managing Demand being phase one (2.2.2)."
)

REVIEWS = {
    "consultation": {
        "programme": "bvp-2000-01",
        "title": "Best Value Review of Consultation",
        "kind": ReviewKind.BEST_VALUE_REVIEW,
        "stage": ReviewStage.REPORTED,
        "scope": "The MPA/MPS joint Best Value Review of Consultation (report 12, Summary).",
        "final_report_title": "Best Value Review of Consultation",
        "final_report_date": ON_CONSULTATION_FINAL,
        "final_report_reference": "Best Value Review of Consultation 2001",
        "final_report_summary": (
            "'The report outlined a number of recommendations arising from the findings of the review.' "
            "(report 12, para 1)"
        ),
        "notes": (
            "At its meeting of 8 March 2001 the Authority agreed to 'receive' the report; it 'appears to have made "
            "no formal commitment to accept the recommendations' (report 12, para 2). The report names neither the "
            "review's project board nor its Project Director."
        ),
        "on": ON_CONSULTATION_FINAL,
        "cite": REPORT_CONSULTATION,
        "changes": (),
    },
    "managing-demand": {
        "programme": "bvp-2002-03",
        "title": "Best Value Review of Managing Demand",
        "kind": ReviewKind.BEST_VALUE_REVIEW,
        "stage": ReviewStage.IN_REVIEW,
        "scope": MD_SCOPE,
        "project_board": "md_project_board",
        "challenge_panel": "md_challenge_panel",
        "implementation_board": "md_implementation_board",
        "project_director": "md_commander",
        "team_leader": "md_project_manager",
        "nominated_member": "md_member",
        "actual_start": MD_START,
        "challenge_evidence": (
            "'It was clear to the inspection team that the '4Cs' approach of consultation, comparison, challenge and "
            "competition had been applied. This work was given strong support by the presence of the ICP.' "
            "(HMIC 4.1.2) 'At least one ICP member attended each of the project board meetings. Minutes of these "
            "meetings indicate the level of challenge ICP members provided throughout.' (4.1.3)"
        ),
        "compare_evidence": (
            "The review team researched satisfaction/effectiveness/opening hours of front counter services in police "
            "stations; one-stop shops and mobile police stations; public access to information and services; and the "
            "Internet (HMIC 3.3.1). 'During this research the team drew direct comparisons with West Mercia "
            "Constabulary, West Midlands Police and Greater Manchester Police.' (3.3.2) Systems and processes were "
            "also researched in Thames Valley, Dorset, Kent, South Wales, Merseyside, Sussex, Devon and Cornwall, "
            "Leicestershire, Gloucestershire, South Yorkshire, Avon and Somerset, West Yorkshire and Northumbria "
            "(3.3.4), and the team drew on good practice in the HMIC thematic report Open All Hours (3.3.6). Data of "
            "the former front counter satisfaction BVPI 'revealed a downward trend in satisfaction levels and "
            "performance during the period 1998 – 2001' (3.3.3)."
        ),
        "consult_evidence": (
            "'The scope and focus of the BVR was developed with stakeholders, including the MPS Managing Demand "
            "Strategic Committee, to identify areas most in need of improvement.' (HMIC 2.2.4) 'Since the BVPI was "
            "removed and since the report was approved, no specific research has been conducted to establish "
            "customer service/satisfaction levels at front counters, by telephone or officers on patrol.' (3.3.7)"
        ),
        "compete_evidence": (
            "'Further research was conducted into joint working and partnership activities specifically into call "
            "centres, one-stop shops and mobile police stations. Current arrangements within NHS Direct and a number "
            "of councils around the country were also the subject of comment within the report.' (HMIC 3.3.5)"
        ),
        "final_report_title": "Best Value Review of Managing Demand: final report",
        "final_report_summary": (
            "A key product was the 'demand resolution strategy' with five key themes and a 'vision for the future' "
            "(HMIC 3.1.1). The report made 17 recommendations, tabled by priority, ease and rate of implementation "
            "(page 71): twelve were regarded as relatively easy, quick and inexpensive to implement, eight of them "
            "high priority (3.2.7)."
        ),
        "notes": (
            "HMIC names no Project Director; the board's chair is recorded in that role, as under the 2000 "
            "arrangements the Project Director chairs the project board. No Management Board approval of the final "
            "report is recorded: 'the inspection team was unable to find any audit trail where the Management Board "
            "was seen to approve the BVR prior to going to the MPA for approval' (HMIC 1.2.2)."
        ),
        "on": MD_START,
        "cite": REPORT_HMIC,
        "changes": (
            {
                "on": MD_APPROVED,
                "fields": {"stage": ReviewStage.APPROVED_BY_AUTHORITY, "actual_end": MD_APPROVED},
                "reason": (
                    "Final report presented to and approved by the MPA in May 2003 (HMIC 3.2.3); no Management "
                    "Board approval is on record (HMIC 1.2.2)"
                ),
            },
            {
                "on": MD_IMPLEMENTING,
                "fields": {"stage": ReviewStage.IMPLEMENTING},
                "reason": (
                    "Implementation Project Board meetings began once the MPA approved the review (HMIC 4.2.3); the "
                    "report gives no day, so the demo dates it the day after the approval month"
                ),
            },
        ),
    },
    "service-review-2005": {
        "programme": "cssr-2006-2009",
        "title": "Joint MPS/MPA Service Review",
        "kind": ReviewKind.SERVICE_REVIEW,
        "stage": ReviewStage.IN_REVIEW,
        "scope": (
            "A root and branch review of the Service, designed to underpin the three year corporate strategy; its "
            "emerging findings were regularly presented to independent challenge panels, MPA oversight groups and a "
            "project board with external representation (report 8a, paras 16–17)."
        ),
        "project_board": "sr_project_board",
        "notes": (
            "At 29 September 2005 the proposals were out for formal consultation; the Authority was asked to agree "
            "their broad direction of travel (report 8a, recommendation 2)."
        ),
        "on": ON_2005,
        "cite": REPORT_2005,
        "changes": (),
    },
}

# No measure, target or deadline: the reports give none, which is why HMIC found the aims were not SMART.
AIMS = {
    "managing-demand": {
        "on": MD_START,
        "cite": REPORT_HMIC,
        "texts": (
            "To be an accessible organisation that is responsive to the public's needs and which provides a range of "
            "channels through which police services can be accessed.",
            "To improve the quality of response to incidents through the use of more experienced staff and stricter "
            "call grading criteria.",
            "To make better use of existing resources to respond to demand.",
            "To shape public expectations about the level of service they can reasonably expect from the MPS.",
            "To develop performance indicators that are customer focused, employee related, and cover the financial "
            "and operational aspects of the activities.",
        ),
    },
    "service-review-2005": {
        "on": ON_2005,
        "cite": REPORT_2005,
        "texts": (
            "To make recommendations that will drive improved service and performance",
            "To identify ways in which the MPS can deliver its widening mission",
            "To identify resources to fund reform and policing the widening mission",
        ),
    },
}

INSPECTIONS = {
    "district-audit-2002-03": {
        "inspectorate": Inspectorate.DISTRICT_AUDIT,
        "title": "District Audit report on the 2002/03 Policing and Performance Plan",
        "reference": "Statutory report, December 2002",
        "subject": "The Authority's 2002/03 Policing and Performance Plan",
        "programme": "bvp-2002-03",
        "published_on": date(2002, 12, 31),
        "audit_opinion": AuditOpinion.UNQUALIFIED,
        "summary": (
            "'The report concluded that the plan was a well presented and useful document, that it met the "
            "statutory requirements and was capable of providing users with a useful perspective on the Authority’s "
            "performance.' It included an opinion which was not qualified, did not contain recommendations which "
            "require a formal Authority response, and did not recommend a Best Value inspection by the Audit "
            "Commission or a direction by the Secretary of State (report 7, para 1). It made nine non-statutory "
            "recommendations (para 3)."
        ),
        "strengths": (
            "The plan was a well presented and useful document, met the statutory requirements and was capable of "
            "providing users with a useful perspective on the Authority’s performance (report 7, para 1)."
        ),
        "areas_for_development": (
            "Nine non-statutory recommendations, in the following areas (report 7, para 3):\n"
            "- the performance management framework (4)\n"
            "- best value reviews (3)\n"
            "- management of review activity (1); and\n"
            "- improved reporting of performance indicators (1)"
        ),
        "on": date(2002, 12, 31),
        "cite": REPORT_DA,
    },
    "hmic-managing-demand": {
        "inspectorate": Inspectorate.HMIC,
        "title": "HMIC Best Value Review Inspection: Managing Demand",
        "reference": "Metropolitan Police Service, Managing Demand, January 2004",
        "subject": "The MPA's Best Value Review of Managing Demand (July 2002 – May 2003) and its implementation",
        "review": "managing-demand",
        "fieldwork_start": HMIC_FIELDWORK_START,
        "fieldwork_end": HMIC_FIELDWORK_END,
        "published_on": HMIC_PUBLISHED,
        "service_judgement": ServiceJudgement.FAIR,
        "prospects_judgement": ProspectsJudgement.UNCERTAIN,
        "summary": (
            "Inspection activity was conducted between 26 – 30 January 2004 on behalf of Her Majesty's Inspector Sir "
            "Ronnie Flanagan (2.4.2). The service was graded 'Fair' and the prospects for improvement 'Uncertain'. "
            "'At the time of inspection, only one of the 17 recommendations had been fully implemented.' (3.2.8)"
        ),
        "strengths": (
            "How good is the service? (1.2.1)\n"
            "- The use of an Independent Challenge Panel (ICP) - acting as a 'critical friend' to the review team, "
            "and the responsiveness of the review team to ICP members.\n"
            "- The close relationships that have developed between the team leader, the ICP and the MPA member.\n"
            "- The detailed, thorough and cross-cutting nature of the final report, which took into account a broad "
            "range of services, and other ongoing work such as the Command, Control, Communication and Information "
            "Project (commonly known as C3i).\n"
            "- The selection of team members, each with areas of expertise, who were all provided with Best Value "
            "training, which resulted in a high quality final report.\n"
            "- The birth of the phrase 'getting it right first time', now beginning to be used widely across the "
            "MPS.\n"
            "What are the prospects for improvement? (1.3.1)\n"
            "- The level of quality, committed, professional individuals the inspection team met at all levels "
            "within the MPS/MPA.\n"
            "- Recommendations produced appeared to be appropriate and challenging.\n"
            "- Considerations for other ongoing projects at the time of the inspection, such as C3i."
        ),
        "areas_for_development": (
            "How good is the service? (1.2.2)\n"
            "- The implementation timetable was unrealistic given other project work, which remains ongoing.\n"
            "- Implementation of recommendations has been extremely limited.\n"
            "- Accountability mechanisms during implementation by the MPA are not sufficiently robust or "
            "challenging.\n"
            "- The lack of visibility of a Best Value champion within the MPS Management Board.\n"
            "- An apparent lack of oversight and regular review of the Best Value process by the MPS Management "
            "Board. For example, the inspection team was unable to find any audit trail where the Management Board "
            "was seen to approve the BVR prior to going to the MPA for approval.\n"
            "What are the prospects for improvement? (1.3.2)\n"
            "- A lack of drive towards implementation of recommendations.\n"
            "- A lack of funding, resources and accountability considerations during implementation.\n"
            "- An apparent lack of involvement from the Management Board."
        ),
        "good_practice": (
            "- Her Majesty's Inspector considers the arrangements for the use of an ICP are a strong critical tool "
            "for use within the BVR process. (6.2)\n"
            "- As with a recent further BVRI within the MPS, Her Majesty's Inspector recognises the benefits of an "
            "ICP within the BVR process and identifies the concept as good practice. (4.1.4)"
        ),
        "on": HMIC_PUBLISHED,
        "cite": REPORT_HMIC,
    },
}

DA_OWNER = "john_zlotnicki"
PMF = "Performance management framework"
BVR = "Best value reviews"


def done(description: str, *, owner: str | None = None, completed_on: date = ON_DA) -> dict:
    """An action the report says is already in place."""
    return {"description": description, "status": ActionStatus.COMPLETE, "completed_on": completed_on, "owner": owner}


def doing(description: str, *, owner: str | None = None) -> dict:
    """An action the report says is under way."""
    return {"description": description, "status": ActionStatus.IN_PROGRESS, "owner": owner}


def to_do(description: str, *, owner: str | None = None) -> dict:
    """An action the report says is still to come."""
    return {"description": description, "status": ActionStatus.NOT_STARTED, "owner": owner}


# Report 7, Appendix 1: recommendation, MPS proposed action (as `response`) and timescale, verbatim.
DA_RECOMMENDATIONS = (
    {
        "number": "1",
        "theme": PMF,
        "text": "Integrate Best Value principles into day-to-day processes to ensure that a consistent and effective "
        "approach to continuous improvement is achieved.",
        "response": (
            "Publicity in relation to the move to service improvement reviews will emphasise the importance of the "
            "principles and their applicability to any management review activity.\n\n"
            "Input on best value principles to quality assurance training will continue. This is important, as "
            "Quality Assurance Officers are often responsible for managing local change initiatives.\n\n"
            "The revised MPS Project Management Manual which is due to be published later this year by the Internal "
            "Consultancy Group will include guidance on incorporating the principles into general management reviews "
            "and project work."
        ),
        "timescale": "December 2003",
        "implementation_status": ImplementationStatus.IN_PROGRESS,
        "actions": (
            to_do(
                "Publicity in relation to the move to service improvement reviews will emphasise the importance of "
                "the principles and their applicability to any management review activity."
            ),
            doing("Input on best value principles to quality assurance training will continue."),
            doing(
                "The revised MPS Project Management Manual which is due to be published later this year by the "
                "Internal Consultancy Group will include guidance on incorporating the principles into general "
                "management reviews and project work.",
                owner="head_icg",
            ),
        ),
    },
    {
        "number": "2",
        "theme": PMF,
        "text": "Ensure that mechanisms are in place to allocate resources to objectives, linking priorities with "
        "action plans and targets.",
        "response": (
            "In the 2003/04 Policing and Performance Plan there are priorities for excellence that support front line "
            "delivery of policing services. The objectives supporting these priorities each have associated targets "
            "and measures. Many of these are project based, long term programmes of work such as the devolution of "
            "resources and the growth programme which intrinsically bring together operational and financial "
            "planning. They will significantly impact on the decision making process of corporately allocating "
            "resources. At the same time, current performance achieved against the range of corporate objectives "
            "will be taken into consideration when assessing resourcing decisions in-year and when developing "
            "priorities and objectives for 2004/05."
        ),
        "timescale": "Ongoing",
        "implementation_status": ImplementationStatus.IN_PROGRESS,
        "actions": (
            done(
                "In the 2003/04 Policing and Performance Plan there are priorities for excellence that support front "
                "line delivery of policing services. The objectives supporting these priorities each have associated "
                "targets and measures."
            ),
            doing(
                "Current performance achieved against the range of corporate objectives will be taken into "
                "consideration when assessing resourcing decisions in-year and when developing priorities and "
                "objectives for 2004/05."
            ),
        ),
    },
    {
        "number": "3",
        "theme": PMF,
        "text": "Ensure that implementation of the staff appraisal process consistently supports performance "
        "management arrangements, including assurance of compliance with corporate objectives and requirements.",
        "response": (
            "The Personal Development Review (PDR) system currently being rolled-out across the MPS for all staff is "
            "built upon a structured approach to performance management, starting with individual performance, "
            "resulting in the collective impact upon corporate performance. This system provides for clear "
            "requirements for each individual's role (skills/knowledge and behaviours, using the National Competency "
            "Framework, augmented by Met specific role profiles where required); assessment of actual performance "
            "achieved; and development requirements for improving performance in the current role and/or future "
            "roles/career aspirations.\n\n"
            'The question of "assurance of compliance with corporate objectives" is complex. The PDR process allows '
            "a degree of tie-in to objectives and to this extent, can be said to support this requirement. However, "
            'corporate objectives are not precise instructions for which "compliance" is an appropriate mechanism.'
        ),
        "timescale": "March 2004",
        "implementation_status": ImplementationStatus.IN_PROGRESS,
        "actions": (
            doing(
                "The Personal Development Review (PDR) system currently being rolled-out across the MPS for all staff "
                "is built upon a structured approach to performance management, starting with individual "
                "performance, resulting in the collective impact upon corporate performance."
            ),
        ),
    },
    {
        "number": "4",
        "theme": PMF,
        "text": "Continue to refine performance review arrangements, to ensure that appropriate performance measures "
        "and management information systems are in place to support performance scrutiny and the achievement of "
        "objectives.",
        "response": (
            "The MPS continues to refine performance review arrangements. For example, a substantial review of the "
            "Corporate Performance Regime has recently been completed, resulting in the creation of a new 'Corporate "
            "Performance Meeting' which considers detailed performance reports and exception reports to the PRC. New "
            "performance measures are derived for new service priorities as they arise, particularly as part of the "
            "annual planning process. As the National Intelligence Model is implemented in the MPS, further "
            "enhancements, particularly in the production of strategic assessments, will be required."
        ),
        "timescale": "March 2004",
        "implementation_status": ImplementationStatus.IN_PROGRESS,
        "actions": (
            done(
                "A substantial review of the Corporate Performance Regime has recently been completed, resulting in "
                "the creation of a new 'Corporate Performance Meeting' which considers detailed performance reports "
                "and exception reports to the PRC."
            ),
            doing(
                "New performance measures are derived for new service priorities as they arise, particularly as part "
                "of the annual planning process."
            ),
            to_do(
                "As the National Intelligence Model is implemented in the MPS, further enhancements, particularly in "
                "the production of strategic assessments, will be required."
            ),
        ),
    },
    {
        "number": "5",
        "theme": BVR,
        "text": "Define accountabilities for the completion of best value reviews to timescale budget and quality, for "
        "example as part of the appraisal process, and monitor performance.",
        "response": (
            "Accountability for delivering reviews to time, budget and quality rests with the Internal Consultancy "
            "Group and is being incorporated into its Monthly Management Report for regular monitoring of progress "
            "by the Group’s senior managers.\n\n"
            "The delivery of individual reviews is overseen by review project boards.\n\n"
            "The MPA receives regular updates on the progress of all ongoing reviews."
        ),
        "timescale": "June 2003",
        "owner": "head_icg",
        "implementation_status": ImplementationStatus.IN_PROGRESS,
        "actions": (
            doing(
                "Accountability for delivering reviews to time, budget and quality rests with the Internal "
                "Consultancy Group and is being incorporated into its Monthly Management Report for regular "
                "monitoring of progress by the Group’s senior managers."
            ),
            done("The delivery of individual reviews is overseen by review project boards."),
            done("The MPA receives regular updates on the progress of all ongoing reviews."),
        ),
    },
    {
        "number": "6",
        "theme": BVR,
        "text": "Ensure that a robust mechanism for selecting best value review topics is used, enabling the Authority "
        "to demonstrate the relevance and comprehensiveness of its review programme.",
        "response": (
            "The MPA instigated a new method of selecting reviews for 2003/04 in response to revised statutory "
            "guidelines and lessons learned from the process to date. To secure joint ownership MPA members select "
            "two areas for review per year from a list proposed by MPS Management Board. This ensures reviews address "
            "improvement needs identified each year and produce relevant recommendations within a determined "
            "timescale. Maintaining flexibility in the programme allows members to make informed decisions, "
            "responding to issues as they arise."
        ),
        "timescale": "In place since January 2003",
        "implementation_status": ImplementationStatus.IMPLEMENTED,
        "implemented_on": date(2003, 1, 31),
        "actions": (
            done(
                "To secure joint ownership MPA members select two areas for review per year from a list proposed by "
                "MPS Management Board.",
                completed_on=date(2003, 1, 31),
            ),
        ),
    },
    {
        "number": "7",
        "theme": BVR,
        "text": "Ensure that performance improvements arising from best value reviews are incorporated into the "
        "performance management framework, and captured in the annual Policing and Performance Plan.",
        "response": (
            "Information on the outcomes from reviews and the anticipated performance improvements is available to "
            "feed into the performance management regime and the annual plan.\n\n"
            "The Policing and Performance Plan for 2003/04 includes a priority around accessibility (inherently "
            "linked to the best value review of demand management) and further work is likely to be needed to "
            "support meaningful performance measurement in this area."
        ),
        "timescale": "Ongoing",
        "implementation_status": ImplementationStatus.IN_PROGRESS,
        "actions": (
            done(
                "Information on the outcomes from reviews and the anticipated performance improvements is available "
                "to feed into the performance management regime and the annual plan."
            ),
            to_do(
                "The Policing and Performance Plan for 2003/04 includes a priority around accessibility (inherently "
                "linked to the best value review of demand management) and further work is likely to be needed to "
                "support meaningful performance measurement in this area."
            ),
        ),
    },
    {
        "number": "8",
        "theme": "Management of review activity",
        "text": "Rigorous prioritisation and monitoring of the implementation of action plans developed by internal "
        "and external agencies is required to ensure that improvement opportunities are realised and that the cost "
        "and effort invested in review activity is not wasted.",
        "response": (
            "The Inspection Liaison and Analysis Unit (ILAU) now works closely with the Head of Review for the MPA "
            "and has extended responsibility to include the monitoring, co-ordination and prioritising of action "
            "plans for inspection reports completed by internal and external agencies, both during and at the "
            "conclusion of inspections.\n\n"
            "A new 'Director of Risk Management' has been appointed with a remit to develop a strategy for the "
            "implementation of inspection recommendations to ensure the service gains maximum benefit from "
            "inspection activity. Where necessary, outstanding recommendations will be brought to the MPS Performance "
            "Review Committee meetings so that action can be initiated."
        ),
        "timescale": "Complete",
        "owner": "director_risk",
        "implementation_status": ImplementationStatus.IMPLEMENTED,
        "implemented_on": ON_DA,
        "actions": (
            done(
                "The Inspection Liaison and Analysis Unit (ILAU) now works closely with the Head of Review for the "
                "MPA and has extended responsibility to include the monitoring, co-ordination and prioritising of "
                "action plans for inspection reports completed by internal and external agencies, both during and at "
                "the conclusion of inspections.",
                owner="head_ilau",
            ),
            done(
                "A new 'Director of Risk Management' has been appointed with a remit to develop a strategy for the "
                "implementation of inspection recommendations to ensure the service gains maximum benefit from "
                "inspection activity."
            ),
            doing(
                "Where necessary, outstanding recommendations will be brought to the MPS Performance Review "
                "Committee meetings so that action can be initiated."
            ),
        ),
    },
    {
        "number": "9",
        "theme": "Improved reporting of performance indicators",
        "text": "Continue to improve BVPI reporting and efforts to strengthen the procedures and practices of the "
        "BVPI system",
        "response": (
            "The MPS has developed BVPI reporting in the following ways: customer satisfaction surveys have been "
            "refined to capture overall impression with the police rather than just impression with initial "
            "response; the way in which crime reduction and detection figures are published in the annual plan has "
            "been improved to show BVPIs and MPS performance measures separately. It is still the case that we are "
            "not able to monitor the full BVPI suite however this remains our aspiration."
        ),
        "timescale": "Ongoing",
        "implementation_status": ImplementationStatus.IN_PROGRESS,
        "actions": (
            done(
                "Customer satisfaction surveys have been refined to capture overall impression with the police rather "
                "than just impression with initial response."
            ),
            done(
                "The way in which crime reduction and detection figures are published in the annual plan has been "
                "improved to show BVPIs and MPS performance measures separately."
            ),
            to_do(
                "It is still the case that we are not able to monitor the full BVPI suite however this remains our "
                "aspiration."
            ),
        ),
    },
)

HMIC_RECOMMENDATIONS = (
    {
        "number": "1",
        "theme": "Review aims",
        "text": "Her Majesty's Inspector recommends that all future BVRs contain clear, challenging and SMART aims, "
        "supported by clearly defined activities.",
        "source_note": "Paragraph 3.1.5, repeated at 5.1. The source gives no response to it.",
    },
    {
        "number": "2",
        "theme": "Implementation arrangements",
        "text": "Her Majesty's Inspector recommends that the current arrangements for implementation of approved BVR "
        "recommendations are fully reviewed.",
        "source_note": (
            "Paragraph 4.2.11, repeated at 5.2; it reaffirms the implementation recommendations of the Bringing "
            "Offenders to Justice inspection (October 2003). The source gives no response to it."
        ),
    },
)

MD_OWNER = "md_lead_officer"
MD_ACTION_OWNER = "md_chief_inspector"
# The implementation plan's own dates are not in the source; actions fall due at the first six-monthly PPRC update.
MD_FIRST_UPDATE = date(2003, 11, 30)
MD_DUE_NOTE = (
    " Its actions are due by the first six-monthly PPRC update after approval (November 2003): the demo's date, as "
    "the implementation plan's dates are not in the source."
)
MD_COUNT_NOTE = (
    "Only the count is known: the final report made 17 recommendations (HMIC 3.2.7), and the inspection report "
    "gives the text of two of them."
)
MD_UNKNOWN_COUNT = 15


def md_unknown_text(ordinal: int) -> str:
    """The honest text of a Managing Demand recommendation whose wording the source does not give."""
    return (
        f"One of the 17 recommendations of the Managing Demand final report (unidentified, {ordinal} of "
        f"{MD_UNKNOWN_COUNT}); its text is not given in the HMIC inspection report."
    )


MD_FOUND_BY_HMIC = "As found by the HMIC inspection, fieldwork 26–30 January 2004"

MD_RECOMMENDATIONS = (
    {
        "number": "11",
        "theme": "Better use of existing resources",
        "text": "Single crewing of officers on response duties, together with a risk assessment framework.",
        "source_note": (
            "The text is the HMIC inspection report's description of recommendation 11 (paragraph 3.2.5), not the "
            "final report's wording. HMIC found that, 'whilst being discussed', it 'was receiving strong resistance' "
            "given the devolution agenda and BCU commanders' autonomy." + MD_DUE_NOTE
        ),
        "actions": (
            {
                "description": "Agree single crewing of officers on response duties with BCU commanders.",
                "status": ActionStatus.NOT_STARTED,
                "due": MD_FIRST_UPDATE,
                "external_dependency": (
                    "BCU commanders' agreement under the devolution agenda; C3i mobile data terminals 'will require "
                    "two officers to operate the equipment effectively' (HMIC 3.2.5)"
                ),
                "changes": (
                    {
                        "on": HMIC_FIELDWORK_END,
                        "fields": {"status": ActionStatus.BLOCKED},
                        "reason": f"{MD_FOUND_BY_HMIC}: receiving strong resistance (HMIC 3.2.5)",
                    },
                ),
            },
            {
                "description": "Put in place a risk assessment framework for single crewing of response officers.",
                "status": ActionStatus.NOT_STARTED,
                "due": MD_FIRST_UPDATE,
                "depends_on": (0,),
            },
        ),
    },
    {
        "number": "",
        "theme": "Customer-focused performance indicators",
        "text": "Develop and implement a performance management system encompassing measures related to demand "
        "resolution.",
        "source_note": (
            "Quoted in the HMIC inspection report (3.3.8) as one of the approved recommendations; the report does "
            "not give its number." + MD_DUE_NOTE
        ),
        "changes": (
            {
                "on": HMIC_FIELDWORK_END,
                "fields": {"implementation_status": ImplementationStatus.IN_PROGRESS},
                "reason": f"{MD_FOUND_BY_HMIC}: 'some distance away from implementation' (HMIC 3.3.8)",
            },
        ),
        "actions": (
            {
                "description": "Develop a performance management system encompassing measures related to demand "
                "resolution.",
                "status": ActionStatus.NOT_STARTED,
                "due": MD_FIRST_UPDATE,
                "external_dependency": "C3i and Integrated Borough Operations (HMIC 4.2.7)",
                "changes": (
                    {
                        "on": HMIC_FIELDWORK_END,
                        "fields": {"status": ActionStatus.IN_PROGRESS},
                        "reason": f"{MD_FOUND_BY_HMIC}: 'some distance away from implementation' (HMIC 3.3.8)",
                    },
                ),
            },
            {
                "description": "Implement the performance management system for demand resolution.",
                "status": ActionStatus.NOT_STARTED,
                "due": None,
                "depends_on": (0,),
            },
        ),
    },
    {
        "number": "",
        "text": md_unknown_text(1),
        "source_note": (
            "HMIC found that only one of the 17 recommendations had been fully implemented by the inspection (3.2.8) "
            "but does not say which or when. The demo marks this one, and dates it 25 January 2004, the day before "
            "fieldwork began: the latest date the report allows."
        ),
        "changes": (
            {
                "on": MD_ONE_IMPLEMENTED,
                "fields": {
                    "implementation_status": ImplementationStatus.IMPLEMENTED,
                    "implemented_on": MD_ONE_IMPLEMENTED,
                },
                "reason": "The one recommendation HMIC found fully implemented by January 2004 (HMIC 3.2.8)",
            },
        ),
    },
    *({"number": "", "text": md_unknown_text(ordinal), "source_note": MD_COUNT_NOTE} for ordinal in range(2, 16)),
)

CONSULTATION_MPS_NOTE = (
    "Report 12 (para 9) says only that recommendations 1, 10, 11, 12, 13 and 14 'relate specifically to actions by "
    "the MPS', and that progress on them 'has been slower than those involved would have liked not least because of "
    "difficulties in staffing and resourcing their area of work'. The recommendation's text is in the final report, "
    "which is not in the source."
)
CONSULTATION_PROGRESS = {
    "on": ON_CONSULTATION,
    "fields": {"implementation_status": ImplementationStatus.IN_PROGRESS},
    "reason": f"Progress reported in {REPORT_CONSULTATION}",
}


def consultation_mps(number: str) -> dict:
    """One of the recommendations report 12 says relate to actions by the MPS, without their text."""
    return {
        "number": number,
        "text": (
            "One of the recommendations of the Best Value Review of Consultation that relate specifically to actions "
            "by the MPS; its text is not given in the year-one report."
        ),
        "source_note": CONSULTATION_MPS_NOTE,
        "changes": (CONSULTATION_PROGRESS,),
    }


# Report 12, para 27: the draft outline timetable for consultation on the 2003/04 Plan, each step due by the end of
# the period the timetable gives for it.
CONSULTATION_TIMETABLE = (
    ("Mar 2002", "Planning Panel to be provided with consultation brief", date(2002, 3, 31)),
    ("May 2002", "CDO Committee to approve consultation programme", date(2002, 5, 31)),
    ("Jun to Aug 2002", "Consultation programme carried out", date(2002, 8, 31)),
    ("Sep 2002", "Analysis of results and of Crime and Disorder Partnership Audits", date(2002, 9, 30)),
    (
        "Oct 2002",
        "Proposed Consultation Strategy Board, and CDO Committee receive analysis of results; Feedback stage 1",
        date(2002, 10, 31),
    ),
    ("Nov 2002", "Development of policing priorities by Planning Panel", date(2002, 11, 30)),
    ("Feb/Mar 2003", "Feedback stage 2", date(2003, 3, 31)),
    ("May/Jun 2003", "Publication", date(2003, 6, 30)),
)

# Report 12, Appendix 4: the MPA Action Plan 2002/03 for consultative groups, due by the end of 2002/03.
CONSULTATIVE_GROUPS_PLAN = (
    "To arrange and hold a one-day seminar for consultative groups.",
    "To develop a budget strategy incorporating: future consultation budget structure; a review of the funding "
    "application procedure and criteria; funding of Best Value Report proposals.",
    "To prepare a position statement and development plan for groups as requested, considering: staffing; "
    "accommodation; consultative processes; structure; integration with local agencies; links with Independent "
    "Custody Visiting.",
    "To identify central support to be provided to consultative groups.",
    "To publicise and promote consultative groups.",
    "To review how to involve consultative groups in future policing plan and other MPA consultation.",
    "To develop consultation feed-up and feed-back channels between consultative groups and the MPA as well as the "
    "corporate centre of the MPS.",
    "To identify MPA staffing requirements to support the day-to-day management and longer-term development of "
    "consultative groups.",
    "To identify, review and exchange best practice existing in consultative groups.",
    "To develop and introduce relevant financial monitoring procedures.",
)
CONSULTATIVE_GROUPS_PLAN_DUE = date(2003, 3, 31)

CONSULTATION_RECOMMENDATIONS = (
    consultation_mps("1"),
    {
        "number": "2",
        "theme": "Consultation strategy",
        "text": "That the MPA develops a consultation strategy.",
        "source_note": (
            "As the year-one report describes it ('Recommendation 2 of the Best Value report proposes that the MPA "
            "develops a consultation strategy', para 10), not the final report's wording. The consultation timetable "
            "for the 2003/04 Plan (para 27) is recorded as its actions."
        ),
        "changes": (
            {
                "on": ON_CONSULTATION,
                "fields": {
                    "implementation_status": ImplementationStatus.IN_PROGRESS,
                    "response": (
                        "An initial draft of the work in progress is attached (Appendix 2). This is in the early stage "
                        "of development and requires significant further input by MPA and MPS. ... This proposal will "
                        "therefore need to be considered by the Finance Planning and Best Value Committee (FPBV), and "
                        "the Planning Panel. If the recommendation to establish the CSMB is approved, it is therefore "
                        "proposed that detailed discussion about the draft strategy could be remitted to that body. "
                        "(report 12, paras 10–11)"
                    ),
                },
                "reason": f"Draft strategy and progress reported in {REPORT_CONSULTATION}",
            },
        ),
        "actions": tuple(
            {
                "description": f"{step} (timetable: {period})",
                "status": ActionStatus.NOT_STARTED,
                "due": due,
                "on": ON_CONSULTATION,
            }
            for period, step, due in CONSULTATION_TIMETABLE
        ),
    },
    {
        "number": "6",
        "theme": "Community Consultation Officers",
        "text": "The employment of Community Consultation Officers (CCOs) to work in boroughs.",
        "source_note": (
            "As the year-one report describes it ('recommendation 6 proposing the employment of Community "
            "Consultation Officers (CCO)', para 12; 'to work in boroughs', para 1), not the final report's wording."
        ),
        "changes": (
            {
                "on": ON_CONSULTATION,
                "fields": {
                    "implementation_status": ImplementationStatus.IN_PROGRESS,
                    "response": (
                        "Four boroughs were selected and a proposal was made to CDO and HR Committees to recruit four "
                        "CCOs to these boroughs. This was approved by CDO committee and ratified by the HR Committee, "
                        "subject to budget availability. (report 12, para 13) Because of budget pressures the growth "
                        "bid was not approved for 2002/03. (para 14)"
                    ),
                    "funding_amount": 160000,
                    "funding_source": (
                        "Estimated cost of 4 community consultation officer posts in a full year; not approved: no "
                        "budget supports the posts in the current financial year (report 12, financial implications "
                        "and para 30)"
                    ),
                },
                "reason": f"Pilots and their unfunded cost reported in {REPORT_CONSULTATION}",
            },
        ),
        "actions": (
            {
                "description": "Recruit four Community Consultation Officers to pilot the role in the four selected "
                "boroughs.",
                "status": ActionStatus.BLOCKED,
                "due": None,
                "external_dependency": "Budget: the growth bid was not approved for 2002/03 (report 12, para 14)",
                "on": ON_CONSULTATION,
            },
            {
                "description": "Explore ways in which it may be possible to secure funding for the community "
                "consultation officer posts (report 12, para 16).",
                "status": ActionStatus.NOT_STARTED,
                "due": None,
                "on": ON_CONSULTATION,
            },
        ),
    },
    *(consultation_mps(number) for number in ("10", "11", "12", "13", "14")),
    {
        "number": "",
        "theme": "Management of consultation",
        "text": (
            "At the corporate level a Consultation Strategy Management Board (CSMB) should be established to: "
            "oversee the implementation of the strategy; review the results of consultation before forwarding these "
            "to the Planning Oversight Panel; ensure best value is achieved from the various consultation initiatives."
        ),
        "source_note": (
            "Reproduced from the final report in Appendix 3 of the year-one report ('Best Value Report "
            "organisational structure'), without its number. The structure 'was never put in place' (para 4)."
        ),
        "actions": (
            {
                "description": "Establish an MPA/MPS Consultation Strategy Management Board (CSMB), chaired by a "
                "member of the CDO Committee, to oversee the MPA and MPS consultation activities (report 12, "
                "recommendation 4).",
                "status": ActionStatus.NOT_STARTED,
                "due": None,
                "on": ON_CONSULTATION,
            },
        ),
    },
    {
        "number": "",
        "theme": "Consultative groups",
        "text": "That the MPA retain consultative groups and seek to build upon these.",
        "source_note": (
            "Appendix 4 of the year-one report says that 'The Best Value report recommended that the MPA retain "
            "consultative groups and seek to build upon these', and refers to 'the series of recommendations "
            "identified in the Best Value Report for improving the way consultative groups work and are supported'; "
            "it gives neither their numbers nor their wording. The MPA Action Plan 2002/03 (Appendix 4) is recorded "
            "as this recommendation's actions."
        ),
        "changes": (CONSULTATION_PROGRESS,),
        "actions": tuple(
            {
                "description": step,
                "status": ActionStatus.NOT_STARTED,
                "due": CONSULTATIVE_GROUPS_PLAN_DUE,
                "on": ON_CONSULTATION,
            }
            for step in CONSULTATIVE_GROUPS_PLAN
        ),
    },
)

SR_NOTE = (
    "Proposal {number} in the order of paragraph 31, which lists the proposals with their Management Board leads "
    "without numbering them; the text is paragraph {paragraph}."
)

# Report 8a, para 31 (title and lead, in order) with the text of paras 21–31; outcomes by number (OUTCOMES above).
SR_PROPOSALS = (
    {
        "title": "Safer Neighbourhoods",
        "owner": "tim_godwin",
        "paragraph": "21",
        "outcomes": (1, 2),
        "text": (
            "It is intended that Safer Neighbourhood teams will be in place on every ward across London by the end of "
            "the 2006 financial year. This will create many benefits to communities and to the organisation itself, "
            "such as improved intelligence in the fight against terrorism. It will help to engage with communities "
            "and provide greater reassurance. It will be achieved by the redirection of Territorial Policing business "
            "group resources and by securing additional external funding opportunities."
        ),
    },
    {
        "title": "Counter terrorism capacity and capability",
        "owner": "andy_hayman",
        "paragraph": "22",
        "outcomes": (2,),
        "text": (
            "Counter-terrorism capability will be strengthened and changed in shape to meet the challenge ahead. To "
            "achieve this there will be a realignment in resources within Specialist Operations and a significant bid "
            "to the Home Office as a consequence of the events and investigations arising from 7 and 21 July."
        ),
    },
    {
        "title": "Investigating crime and dealing with offenders",
        "owner": "tim_godwin",
        "paragraph": "23",
        "outcomes": (1, 4),
        "text": (
            "There will be a new approach to investigating crime and dealing with offenders that will meet government "
            "standards, ensure efficient use of resources and help bring offenders to justice. Coupled with "
            "improvements in areas such as patrol, Metcall and IBOs this will all help to improve the experience of "
            "citizens with their policing service. It will be achieved by a range of measures including:\n"
            "- Standardised crime recording\n"
            "- New custody clusters on all boroughs\n"
            "- Improved custody staff arrangements such as designated detention officers and nurses\n"
            "- National Strategy for Police Information Systems (NSPIS) case and custody systems\n"
            "- Increased case builders and civilian investigators\n"
            "- A central Territorial Policing crime management unit that will ensure standards and continuity of "
            "practice\n"
            "- Improved care for victims and witnesses\n"
            "- New approach to tape summary generation"
        ),
    },
    {
        "title": "Support services delivered through shared service centres",
        "owner": "martin_tiplady",
        "paragraph": "24",
        "outcomes": (),
        "text": (
            "Support services will be delivered through shared service centres. Carrying out transactional services "
            "at these service centres will provide efficiencies through economies of scale and ensure a greater "
            "consistency of practice. They will eliminate duplication of resources and improve compliance across "
            "business groups. It is intended that initially these service centres will focus on delivering finance "
            "and human resources services."
        ),
    },
    {
        "title": "Performance and inspection",
        "owner": "richard_bryan",
        "paragraph": "25",
        "outcomes": (),
        "text": (
            "There will be a greater focus on performance and inspection. These activities will be corporately "
            "managed by the creation of a small Performance Directorate that will support business groups. Inspection "
            "activity will be devolved in line with the HMIC ‘Going Local’ agenda. Resources released from these "
            "initiatives will be redirected to organisational priorities."
        ),
    },
    {
        "title": "Risk from offenders to be better managed, vulnerable victims better protected and violent men better "
        "pursued",
        "owner": "stephen_rimmer",
        "paragraph": "26",
        "outcomes": (3,),
        "text": (
            "Offender risks will be managed in a new and better way, vulnerable victims better protected and violent "
            "men better pursued. A Public Protection Directorate is being considered that would provide an "
            "infrastructure to enable a Public Protection Group for each borough. This gives provision for greater "
            "focus on risk management and Multi Agency Public Protection Arrangements (MAPPA). This will help to "
            "prevent and reduce harm to vulnerable individuals and communities."
        ),
    },
    {
        "title": "Organised criminal networks",
        "owner": "tarique_ghaffur",
        "paragraph": "27",
        "outcomes": (1, 4),
        "text": (
            "There will be significant focus on organised criminal networks. There will be a realignment of resources "
            "within the Serious Crime business group that will enable the MPS to deal with the challenges that the "
            "changing face of serious crime presents. This will involve greater integration with the Safer "
            "Neighbourhood teams, establish closer links with communities and bring more offenders to justice."
        ),
    },
    {
        "title": "Integration of intelligence",
        "owner": "alan_brown",
        "paragraph": "28",
        "outcomes": (3,),
        "text": (
            "There will be improvements to current intelligence structures and practice. A new force intelligence "
            "system or bureau will be developed that will ensure that operational officers are given information when "
            "and where they need it. It will reduce bureaucracy, remove unnecessary duplication and eliminate existing "
            "vulnerabilities."
        ),
    },
    {
        "title": "Co-ordination of covert assets",
        "owner": "tarique_ghaffur",
        "paragraph": "29",
        "outcomes": (),
        "text": (
            "There will be greater co-ordination of MPS covert assets, improving capability and performance. This "
            "will result in maximising the deployment and access to covert assets across the organisation."
        ),
    },
    {
        "title": "Modernising policing delivery",
        "owner": "stephen_rimmer",
        "paragraph": "30",
        "outcomes": (1,),
        "text": (
            "Policing services will be improved through modernising the workforce, accelerating the estates strategy "
            "and delivering interoperability of data systems. The MPS is committed to maximising the skills and "
            "experience of police officers and police staff and to achieve the right mix of staff and skills to "
            "allow the effective and efficient delivery of all policing services. The IT strategy is being enhanced "
            "to increase efficiency, streamline processes and reduce multiple keying in of data. The Property "
            "Services Estates Strategy is being accelerated to provide;\n"
            "- Custody clusters (see paragraph 23)\n"
            "- New deployment bases (as currently being trialled in Waltham Forest) for both TP and CO\n"
            "- Shop fronts for Safer Neighbourhood teams (see paragraph 20)"
        ),
    },
    {
        "title": "Olympics and London resilience",
        "owner": "stephen_house",
        "paragraph": "31",
        "outcomes": (2,),
        "text": (
            "When London was awarded the 2012 Olympics in July it added a further dimension to the planning "
            "implications of the review proposals. There will be considerable scoping work to be undertaken in "
            "preparing the appropriate resilience for the event, including budgetary and contingency planning."
        ),
    },
)

SOURCES = {
    "district-audit": {
        "kind": SourceKind.AUDIT,
        "title": "MPS action plan on the District Audit report on the 2002/03 Policing and Performance Plan",
        "reference": "PPRC 8 May 2003, report 7",
        "published_on": ON_DA,
        "programme": "bvp-2002-03",
        "inspection": "district-audit-2002-03",
        # Someone independent of the owners verifies an audit's recommendations: the MPS's inspection liaison unit.
        "verifier": "head_ilau",
        "on": ON_DA,
        "cite": REPORT_DA,
        "defaults": {"owner": DA_OWNER, "decision_status": DecisionStatus.ACCEPTED},
        "recommendations": DA_RECOMMENDATIONS,
    },
    "consultation-final-report": {
        "kind": SourceKind.REVIEW_REPORT,
        "title": "Best Value Review of Consultation: final report",
        "reference": "Best Value Review of Consultation 2001; received by the Authority 8 March 2001",
        "published_on": ON_CONSULTATION_FINAL,
        "programme": "bvp-2000-01",
        "review": "consultation",
        "on": ON_CONSULTATION_FINAL,
        "cite": REPORT_CONSULTATION,
        # The Authority only 'received' the report, so none of its recommendations was ever accepted.
        "defaults": {"decision_status": DecisionStatus.PROPOSED},
        "recommendations": CONSULTATION_RECOMMENDATIONS,
    },
    "managing-demand-final-report": {
        "kind": SourceKind.REVIEW_REPORT,
        "title": "Best Value Review of Managing Demand: final report",
        "reference": "Approved by the MPA, May 2003 (HMIC 3.2.3)",
        "published_on": None,
        "programme": "bvp-2002-03",
        "review": "managing-demand",
        "on": MD_APPROVED,
        "cite": REPORT_HMIC,
        "defaults": {"owner": MD_OWNER, "decision_status": DecisionStatus.ACCEPTED},
        "action_owner": MD_ACTION_OWNER,
        "reason": "Loaded from the Managing Demand final report as approved by the MPA in May 2003 (HMIC 3.2.3)",
        "recommendations": MD_RECOMMENDATIONS,
    },
    "hmic-managing-demand": {
        "kind": SourceKind.INSPECTION,
        "title": "HMIC Best Value Review Inspection Report: Managing Demand",
        "reference": "HMIC, January 2004",
        "published_on": HMIC_PUBLISHED,
        "programme": "bvp-2002-03",
        "inspection": "hmic-managing-demand",
        # The inspectorate checks its own recommendations before they count as implemented.
        "verifier": "hmic_officer",
        "on": HMIC_PUBLISHED,
        "cite": REPORT_HMIC,
        "defaults": {"decision_status": DecisionStatus.PROPOSED},
        "recommendations": HMIC_RECOMMENDATIONS,
    },
    "service-review-2005": {
        "kind": SourceKind.SERVICE_REVIEW,
        "title": "Joint MPS/MPA Service Review proposals",
        "reference": "MPA 29 September 2005, report 8a",
        "published_on": ON_2005,
        "programme": "cssr-2006-2009",
        "review": "service-review-2005",
        "on": ON_2005,
        "cite": REPORT_2005,
        # Out for formal consultation: the Authority was asked to agree only their broad direction of travel.
        "defaults": {"decision_status": DecisionStatus.PROPOSED},
        "recommendations": tuple(
            {
                "number": str(number),
                "theme": proposal["title"],
                "text": proposal["text"],
                "owner": proposal["owner"],
                "outcomes": proposal["outcomes"],
                "source_note": SR_NOTE.format(number=number, paragraph=proposal["paragraph"]),
            }
            for number, proposal in enumerate(SR_PROPOSALS, start=1)
        ),
    },
}

MEETINGS = {
    "fpbv-2000-07-20": {
        "body": "fpbv",
        "date": date(2000, 7, 20),
        "title": "Report 7: interim arrangements for best value",
        "minutes_reference": "FPBV 20 July 2000, report 7",
        "cite": REPORT_2000,
    },
    "fpbv-2000-09-19": {
        "body": "fpbv",
        "date": ON_2000,
        "title": "Report 10: Management arrangements for best value",
        "minutes_reference": "FPBV 19 September 2000, report 10",
        "cite": REPORT_2000,
    },
    "mpa-2001-03-08": {
        "body": "mpa",
        "date": ON_CONSULTATION_FINAL,
        "title": "Best Value Review of Consultation: final report",
        "minutes_reference": "",
        "cite": REPORT_CONSULTATION,
    },
    "programme-board-2002-03-07": {
        "body": "programme_board",
        "date": date(2002, 3, 7),
        "title": "Consultation implementation action plan",
        "minutes_reference": "",
        "cite": REPORT_CONSULTATION,
    },
    "cdo-2002-03-14": {
        "body": "cdo",
        "date": ON_CONSULTATION,
        "title": "Report 12: Best Value Review of Consultation – year one report",
        "minutes_reference": "Report 12, 14 March 2002",
        "cite": REPORT_CONSULTATION,
    },
    "pprc-2003-05-08": {
        "body": "pprc",
        "date": ON_DA,
        "title": "Report 7: Audit report on 2002/03 policing and performance plan",
        "minutes_reference": "PPRC 8 May 2003, report 7",
        "cite": REPORT_DA,
    },
    "management-board-2005-09-05": {
        "body": "management_board",
        "date": date(2005, 9, 5),
        "title": "Review of the 2006/07 budget position",
        "minutes_reference": "",
        "cite": REPORT_2005,
    },
    "mpa-2005-09-29": {
        "body": "mpa",
        "date": ON_2005,
        "title": "Report 8a: Joint report on service review, corporate strategy and Together",
        "minutes_reference": "MPA 29 September 2005, report 8a",
        "cite": REPORT_2005,
    },
}

NOT_MINUTES = "The source is the report, not the minutes:"

# Subjects are (kind, key): ("programme", reference), ("review", reference), ("source", key), or
# ("recommendation", (source key, number)).
DECISIONS = (
    {
        "body": "fpbv",
        "meeting": "fpbv-2000-07-20",
        "decided_on": date(2000, 7, 20),
        "subject": ("programme", "bvp-2000-01"),
        "kind": DecisionKind.NOTE,
        "outcome": DecisionOutcome.APPROVED,
        "minute_reference": "FPBV 20 July 2000",
        "rationale": (
            "A nominated Member would sit on each BVR Project Board, 'in line with the FPBV decision taken on 20 "
            "July 2000' (report 10, para 8)."
        ),
        "cite": REPORT_2000,
    },
    {
        "body": "mpa",
        "meeting": "mpa-2001-03-08",
        "decided_on": ON_CONSULTATION_FINAL,
        "subject": ("review", "consultation"),
        "kind": DecisionKind.NOTE,
        "outcome": DecisionOutcome.NOTED,
        "minute_reference": "MPA 8 March 2001",
        "rationale": (
            "The Authority agreed to 'receive' the report, and 'asked that further development of the recommendation "
            "be made before it could agree them': officers were to consult further, pilot the leading changes, develop "
            "the consultation strategy and prepare an implementation plan, and CDO Committee was to take the "
            "recommendations forward. As a result 'the Authority appears to have made no formal commitment to accept "
            "the recommendations' (report 12, Summary and paras 1–2)."
        ),
        "cite": REPORT_CONSULTATION,
    },
    {
        "body": "fpbv",
        "meeting": None,
        "decided_on": date(2001, 11, 30),
        "subject": ("recommendation", ("consultation-final-report", "6")),
        "kind": DecisionKind.NOTE,
        "outcome": DecisionOutcome.DEFERRED,
        "minute_reference": "FPBV, November 2001",
        "rationale": (
            "'At the November 2001 FPBV meeting, the proposed new initiative (along with a number of other proposed "
            "by the MPS) were not included in the budget bid.' (report 12, para 30) The costs would need to be "
            "considered with other bids in the 2003/04 budgetary process (financial implications). The report gives "
            "the month only; the day is the demo's (the month's last)."
        ),
        "cite": REPORT_CONSULTATION,
    },
    {
        "body": "cdo",
        "meeting": "cdo-2002-03-14",
        "decided_on": ON_CONSULTATION,
        "subject": ("review", "consultation"),
        "kind": DecisionKind.NOTE,
        "outcome": DecisionOutcome.NOTED,
        "minute_reference": "Report 12, 14 March 2002",
        "rationale": (
            "Report 12 asked the Committee to note progress against the review's recommendations, approve the Draft "
            "Consultation Strategy and Implementation Plan, explore funding for the community consultation officer "
            "posts, and establish a Consultation Strategy Management Board (CSMB) to oversee the MPA and MPS "
            f"consultation activities. {NOT_MINUTES} it records the proposals, not the Committee's decision on them. "
            "It is addressed to 'the Committee'; it is recorded under the CDO Committee, which the Authority asked to "
            "take the recommendations forward (para 2)."
        ),
        "cite": REPORT_CONSULTATION,
    },
    {
        "body": "pprc",
        "meeting": "pprc-2003-05-08",
        "decided_on": ON_DA,
        "subject": ("source", "district-audit"),
        "kind": DecisionKind.NOTE,
        "outcome": DecisionOutcome.NOTED,
        "minute_reference": "PPRC 8 May 2003, report 7",
        "rationale": (
            f"Report 7 recommended 'That the report be noted.' {NOT_MINUTES} the outcome recorded is the report's "
            "recommendation. The MPS intends to submit an interim report to the November PPRC meeting summarising "
            "progress against the nine recommendations (para 4)."
        ),
        "cite": REPORT_DA,
    },
    {
        "body": "pprc",
        "meeting": None,
        "decided_on": MD_APPROVED,
        "subject": ("review", "managing-demand"),
        "kind": DecisionKind.APPROVE_FINAL_REPORT,
        "outcome": DecisionOutcome.APPROVED,
        "minute_reference": "MPA, May 2003",
        "rationale": (
            "'The final Demand Management report was presented and approved by the MPA in May 2003.' (HMIC 3.2.3) "
            "The PPRC selects and approves all BVRs and their final reports (1.4.2). The report gives the month only; "
            "the day is the demo's (the month's last). No Management Board approval precedes it: 'the inspection "
            "team was unable to find any audit trail where the Management Board was seen to approve the BVR prior to "
            "going to the MPA for approval' (1.2.2)."
        ),
        "cite": REPORT_HMIC,
    },
)
