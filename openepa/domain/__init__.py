"""OpenEPA's domain rules: pure Python, no Django.

Every rule here is a function of plain values (dataclasses, enums, dates) so it can be
table-tested without a database. Each rule's docstring names the seed document and section
it comes from (seed files are listed in DESIGN.md).
"""
