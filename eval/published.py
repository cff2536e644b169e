"""The published PCEB numbers this harness compares against (never re-computed, never edited).

Source: the Psyche-R1 README (github.com/MindIntLab-HFUT/Psyche-R1), "Experimental Results" table —
the PsycoLLM authors' follow-up, which reports PCEB for PsycoLLM, its baselines and Psyche-R1.
Strict accuracy per group, elastic accuracy (brackets in the README) for the multiple-choice groups,
the six-group averages, and case-QA ROUGE-1 / ROUGE-L / BLEU-4. Shown as "published, not reproduced".
"""

from __future__ import annotations

from typing import Any

#: The published PCEB results we compare against: Psyche-R1 README (github.com/MindIntLab-HFUT/Psyche-R1),
#: "Experimental Results" table. Strict / (elastic) per group, averages, case QA R-1 / R-L / B-4.
#: Marked "published, not reproduced" wherever they are shown.
PUBLISHED_SOURCE = "Psyche-R1 README (github.com/MindIntLab-HFUT/Psyche-R1), PCEB table"
PUBLISHED: dict[str, dict[str, Any]] = {
    name: {
        "groups": {"case_single": {"strict": v[0]}, "case_multiple": {"strict": v[1], "elastic": v[2]},
                   "moral_single": {"strict": v[3]}, "moral_multiple": {"strict": v[4], "elastic": v[5]},
                   "theory_single": {"strict": v[6]}, "theory_multiple": {"strict": v[7], "elastic": v[8]}},
        "average": v[9], "elastic_average": v[10], "caseqa": {"rouge1": v[11], "rougeL": v[12], "bleu4": v[13]},
    }
    for name, v in {
        "Qwen2.5-7B-Instruct": (47.57, 31.64, 47.49, 87.83, 59.50, 71.02, 78.46, 42.45, 55.17, 57.91, 64.59,
                                20.94, 11.28, 1.28),
        "Qwen2.5-72B-Instruct": (46.91, 40.34, 53.11, 90.79, 70.25, 78.48, 82.63, 47.63, 59.74, 63.09, 68.61,
                                 21.43, 12.02, 1.16),
        "GPT-4o": (65.63, 13.67, 34.53, 88.15, 33.54, 54.79, 74.65, 24.10, 45.07, 49.96, 60.47, 23.45, 12.75, 1.18),
        "EmoLLM": (46.93, 21.87, 40.02, 84.21, 34.17, 51.05, 71.72, 26.18, 44.49, 47.51, 56.40, 22.15, 11.69, 1.20),
        "PsycoLLM": (55.58, 35.07, 42.89, 88.81, 69.62, 74.20, 72.63, 48.59, 54.12, 61.72, 64.71, 24.45, 17.45,
                     2.04),
        "Psyche-R1": (63.31, 56.26, 66.21, 92.76, 79.62, 82.54, 87.70, 66.54, 73.34, 74.37, 77.64, 27.31, 15.33,
                      2.40),
    }.items()
}
