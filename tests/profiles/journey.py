"""Answers for whole journeys, step by step, as a browser would post them.

Only the questions that the loaded programs' rules use are asked (today no rule reads the
languages or the family, so those steps are skipped)."""

from __future__ import annotations

INDIAN_STEM_GRADUATE: list[tuple[str, dict[str, object]]] = [
    ("citizenship", {"citizenship": "IN"}),
    ("residence", {"residence": "IN"}),
    ("age", {"age": "27"}),
    ("degree", {"degree": "bachelor"}),
    ("field", {"field": "stem"}),
    ("institution", {"degree_country": "IN", "institution": "national"}),
    ("experience", {"stem_experience": "3"}),
    ("academic-role", {"academic_role": "no"}),
    ("job-offer", {"job_offer": "none"}),
    ("priorities", {"priorities": ["independence", "low_cost"]}),
]

US_MASTERS_ON_OPT: list[tuple[str, dict[str, object]]] = [
    ("citizenship", {"citizenship": "IN"}),
    ("residence", {"residence": "US"}),
    ("us-status", {"status_us": "f1_opt"}),
    ("age", {"age": "25"}),
    ("degree", {"degree": "master"}),
    ("field", {"field": "stem"}),
    ("institution", {"degree_country": "US", "institution": "world_top"}),
    ("experience", {"stem_experience": "1"}),
    ("academic-role", {"academic_role": "no"}),
    ("job-offer", {"job_offer": "US"}),
    ("us-offer", {"employer_type": "company", "wage_level": "2"}),
    ("offer-details", {"sponsor": "yes"}),
    ("degree-related", {"degree_related": "direct"}),
    ("priorities", {"priorities": ["permanent_residence"]}),
]


# With every content file loaded (twelve programs): the questions of the longer journey.
ENGINEER_IN_INDIA: list[tuple[str, dict[str, object]]] = [
    ("citizenship", {"citizenship": "IN"}),
    ("residence", {"residence": "IN"}),
    ("age", {"age": "29"}),
    ("degree", {"degree": "master"}),
    ("field", {"field": "stem"}),
    ("institution", {"degree_country": "IN", "institution": "world_top"}),
    ("degree-details", {"years_since_degree": "3", "recognition": "unknown"}),
    ("experience", {"stem_experience": "5"}),
    ("academic-role", {"academic_role": "no"}),
    ("recognition", {"prize": "none", "endorsement": "no", "acclaim": "1"}),
    ("job-offer", {"job_offer": "none"}),
    (
        "languages",
        {"language_level_en": "C1", "language_level_de": "A1", "language_level_ja": "none"},
    ),
    ("family", {"family": "alone"}),
    ("savings", {"savings": "2500000", "savings_currency": "INR"}),
    ("priorities", {"priorities": ["independence", "permanent_residence"]}),
]

US_MASTERS_WITH_AN_OFFER: list[tuple[str, dict[str, object]]] = [
    ("citizenship", {"citizenship": "IN"}),
    ("residence", {"residence": "US"}),
    ("us-status", {"status_us": "f1_opt"}),
    ("age", {"age": "25"}),
    ("degree", {"degree": "master"}),
    ("field", {"field": "stem"}),
    ("institution", {"degree_country": "US", "institution": "world_top"}),
    ("degree-details", {"years_since_degree": "1", "recognition": "none"}),
    ("experience", {"stem_experience": "1"}),
    ("academic-role", {"academic_role": "no"}),
    ("recognition", {"prize": "none", "endorsement": "no", "acclaim": "0"}),
    ("job-offer", {"job_offer": "US"}),
    ("us-offer", {"employer_type": "company", "wage_level": "2"}),
    ("offer-details", {"sponsor": "yes", "salary": "120000", "salary_currency": "USD"}),
    ("degree-related", {"degree_related": "direct"}),
    (
        "languages",
        {"language_level_en": "C2", "language_level_de": "none", "language_level_ja": "none"},
    ),
    ("family", {"family": "spouse"}),
    ("savings", {"savings_unknown": "on"}),
    ("priorities", {"priorities": ["low_cost"]}),
]
