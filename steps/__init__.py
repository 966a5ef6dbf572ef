"""Step definitions, one module per area of the manual; the ukic pytest plugin registers them all.

Steps are thin: parse the step text, ask the cluster state or the profile, assert. They raise
ukic.outcome.CheckFailed (naming objects and values), Unverifiable or NotApplicable.
"""
