"""Grades and training: schemes, eligibility, the assessment workflow, the training ledger (resolvers layer)."""
