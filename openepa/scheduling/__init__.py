"""The scheduling optimiser: an instance (assessors, methods ready to book, existing
bookings) in, a plan (assessor, day and start time per method) out.

Pure Python with no Django import: the instance carries everything, so the same engine
serves `openepa schedule`, the benchmark and, later, the admin's scheduling page.
`instance` reads and validates the published JSON format, `check` is the independent
checker, `greedy` the earliest-deadline-first planner, `cpsat` the OR-Tools model
(imported only when a plan is asked for) and `engine` ties them together.
"""
