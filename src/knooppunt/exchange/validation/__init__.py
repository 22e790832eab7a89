"""Checking offered files (issue 15, item 3): `pipeline.check_file` runs the checks of
`checks/` in order; `registry` holds the in-message rules; `report` writes the iStandaarden
validation-report shape."""
