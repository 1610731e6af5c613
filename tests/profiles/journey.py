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
    ("sponsor", {"sponsor": "yes"}),
    ("degree-related", {"degree_related": "direct"}),
    ("priorities", {"priorities": ["permanent_residence"]}),
]
