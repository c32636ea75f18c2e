"""What every context uses and none owns: the accessible form base, running an action from
a view, refusals (ActionRefused, StaleEdit and the one stale-version check) and date
display. It imports no context (an import-linter contract in pyproject.toml), so any
context may import it."""
