"""Deterministic synthetic X12 data: linked 834 enrollments, 837P/837I/837D claims and 835 remittances.

Flow: world (payers, groups, providers) -> enrollment (members, spans, 834 events) -> per payer and
billing provider, chunks of claims (professional / institutional / dental) -> adjudicate -> remit
(835 grouping, PLB, BPR) -> write834 / write837 / write835 -> manifest. Builders return balanced
dataclasses (models.py); writers print them verbatim, so a defect can be planted by mutating one
object between `lifecycle.run_chunk` and the writers.
"""

from claimlake.generate.dataset import generate_dataset

__all__ = ["generate_dataset"]
